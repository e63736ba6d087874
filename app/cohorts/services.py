"""Cohort operations: they flush, the caller commits."""

from datetime import date

from sqlalchemy import select

from app.auth.models import UserRef
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.extensions import db


def current_cohort(user_id: int) -> Cohort | None:
    """Return the open cohort the learner is enrolled in (the latest if several)."""
    return db.session.scalar(
        select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.is_closed.is_(False))
        .order_by(Cohort.start_date.desc())
        .limit(1)
    )


def current_cohort_id(user_id: int) -> int | None:
    """Return the id of the learner's open cohort (see :func:`current_cohort`)."""
    return db.session.scalar(
        select(Enrolment.cohort_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.user_id == user_id, Cohort.is_closed.is_(False))
        .order_by(Cohort.start_date.desc())
        .limit(1)
    )


def get_or_create_cohort(name: str, start_date: date, end_date: date) -> Cohort:
    """Return the cohort called ``name``, creating it with these dates if needed."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = Cohort(name=name, start_date=start_date, end_date=end_date)
        db.session.add(cohort)
        db.session.flush()
    return cohort


def enrol(cohort: Cohort, user: UserRef) -> None:
    """Enrol ``user`` in ``cohort`` (nothing happens if already enrolled)."""
    exists = db.session.scalar(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id))
    if exists is None:
        db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def assign_tutor(cohort: Cohort, user: UserRef) -> None:
    """Make ``user`` a tutor of ``cohort`` (nothing happens if already one)."""
    exists = db.session.scalar(select(CohortTutor.id).where(CohortTutor.cohort_id == cohort.id, CohortTutor.user_id == user.id))
    if exists is None:
        db.session.add(CohortTutor(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def cohorts_of_tutor(user_id: int) -> list[Cohort]:
    """Return the cohorts a tutor follows, newest first."""
    return list(
        db.session.scalars(
            select(Cohort).join(CohortTutor, CohortTutor.cohort_id == Cohort.id).where(CohortTutor.user_id == user_id).order_by(Cohort.start_date.desc())
        )
    )
