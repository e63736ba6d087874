"""Read-only queries for authors (content only: never a learner's data)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.activities.models import Activity
from app.auth.models import User
from app.authoring.services import diff
from app.catalogue.models import Module
from app.catalogue.revisions import Revision
from app.catalogue.revisions import revisions_of
from app.extensions import db
from app.quizzes.models import Quiz


@dataclass(frozen=True)
class ModuleOverview:
    """A module with its quiz, as authors see it."""

    module: Module
    quiz: Quiz | None
    activities: tuple[Activity, ...] = ()


def content_overview() -> list[ModuleOverview]:
    """Return every module (archived ones last) with its readings and quiz."""
    modules = db.session.scalars(
        select(Module).options(selectinload(Module.readings)).order_by(Module.is_archived, Module.position)
    ).all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).options(selectinload(Quiz.questions)))}
    activities: dict[int, list[Activity]] = {}
    for activity in db.session.scalars(select(Activity).order_by(Activity.position)):
        activities.setdefault(activity.module_id, []).append(activity)
    return [ModuleOverview(m, quizzes.get(m.id), tuple(activities.get(m.id, ()))) for m in modules]


@dataclass(frozen=True)
class HistoryPage:
    """An item's revisions, and the comparison asked for."""

    revisions: list[Revision]
    authors: dict[int, str]
    older: Revision | None
    newer: Revision | None
    hunks: list


def history_page(item, a: int | None, b: int | None) -> HistoryPage | None:
    """Return the item's revisions with the diff of revisions ``a`` and ``b`` (the last two by default).

    :return: ``None`` if ``a`` or ``b`` names no revision of the item.
    """
    revisions = revisions_of(item.kind.kind, item.row.id)
    by_number = {r.number: r for r in revisions}
    if (a is not None and a not in by_number) or (b is not None and b not in by_number):
        return None
    if a is None and b is None and len(revisions) >= 2:
        a, b = revisions[1].number, revisions[0].number
    older, newer = by_number.get(a), by_number.get(b)
    if older is not None and newer is not None and older.number > newer.number:
        older, newer = newer, older
    hunks = diff(older.source, newer.source) if older is not None and newer is not None else []
    ids = {r.author_id for r in revisions if r.author_id is not None}
    authors = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).tuples().all()) if ids else {}
    return HistoryPage(revisions, authors, older, newer, hunks)
