"""Read-only queries on the course content."""

from typing import NamedTuple

from sqlalchemy import func
from sqlalchemy import select

from app.catalogue.models import CourseState
from app.catalogue.models import Module
from app.extensions import db

#: The course's stamp, changed by every publication (``bump_course_version``): pages and data
#: cached per process are keyed on it, so a publication seen by one worker is seen by all.
COURSE_STAMP = func.coalesce(select(CourseState.stamp).where(CourseState.id == 1).scalar_subquery(), "")


class ReadingRef(NamedTuple):
    """A live reading named by its id: what the services that record learner actions need of it."""

    id: int


def live_module(slug: str) -> Module | None:
    """Return a module that learners can see."""
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.is_archived.is_(False)))
