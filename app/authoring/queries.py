"""Read-only queries for authors (content only: never a learner's data)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue.models import Module
from app.extensions import db
from app.quizzes.models import Quiz


@dataclass(frozen=True)
class ModuleOverview:
    """A module with its quiz, as authors see it."""

    module: Module
    quiz: Quiz | None


def content_overview() -> list[ModuleOverview]:
    """Return every module (archived ones last) with its readings and quiz."""
    modules = db.session.scalars(
        select(Module).options(selectinload(Module.readings)).order_by(Module.is_archived, Module.position)
    ).all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).options(selectinload(Quiz.questions)))}
    return [ModuleOverview(m, quizzes.get(m.id)) for m in modules]
