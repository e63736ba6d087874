"""Read activities and answers for the learner's and the tutor's pages."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.auth.models import User
from app.catalogue.models import Module
from app.cohorts.models import Enrolment
from app.extensions import db


def live_activity(module_slug: str, activity_slug: str) -> Activity | None:
    """Return the live activity of that module, or ``None``."""
    return db.session.scalar(
        select(Activity)
        .join(Module, Module.id == Activity.module_id)
        .where(Module.slug == module_slug, Activity.slug == activity_slug, Activity.is_archived.is_(False), Module.is_archived.is_(False))
    )


def latest_statuses(user_id: int) -> dict[int, str]:
    """Return where the learner's latest answer to each activity stands, by activity id."""
    rows = db.session.execute(
        select(Submission.activity_id, Submission.status).where(Submission.user_id == user_id).order_by(Submission.activity_id, Submission.version)
    )
    return {activity_id: status for activity_id, status in rows}  # the highest version comes last


@dataclass(frozen=True)
class WaitingAnswer:
    """An answer a tutor has to review, as the cohort's list shows it."""

    submission_id: int
    user_id: int
    learner: str
    activity: str
    version: int
    submitted_dt: datetime


def _waiting(cohort_id: int):
    return (
        select(Submission.id)
        .join(Enrolment, Enrolment.user_id == Submission.user_id)
        .where(Enrolment.cohort_id == cohort_id, Submission.status == SubmissionStatus.SUBMITTED.value)
    )


def waiting_count(cohort_id: int) -> int:
    """Count the answers of the cohort's learners that wait for a review."""
    return db.session.scalar(select(func.count()).select_from(_waiting(cohort_id).subquery()))


def waiting_answers(cohort_id: int, limit: int = 20) -> list[WaitingAnswer]:
    """Return the answers of the cohort's learners that wait for a review, the oldest first (``limit`` of them)."""
    rows = db.session.execute(
        select(Submission.id, Submission.user_id, User.display_name, Activity.title, Submission.version, Submission.submitted_dt)
        .join(Enrolment, Enrolment.user_id == Submission.user_id)
        .join(User, User.id == Submission.user_id)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Enrolment.cohort_id == cohort_id, Submission.status == SubmissionStatus.SUBMITTED.value)
        .order_by(Submission.submitted_dt, Submission.id)
        .limit(limit)
    )
    return [WaitingAnswer(*row) for row in rows]


def cohort_submission(cohort_id: int, submission_id: int) -> Submission | None:
    """Return an answer (not a draft) of a learner enrolled in the cohort, or ``None``."""
    return db.session.scalar(
        select(Submission)
        .join(Enrolment, Enrolment.user_id == Submission.user_id)
        .where(Submission.id == submission_id, Enrolment.cohort_id == cohort_id,
               Submission.status != SubmissionStatus.DRAFT.value)
    )


def file_of(submission_id: int) -> tuple[str, str, bytes] | None:
    """Return an answer's file: its name, content type and bytes (``None`` without one)."""
    row = db.session.execute(
        select(Submission.file_name, Submission.file_type, Submission.file_data).where(Submission.id == submission_id, Submission.file_name.is_not(None))
    ).first()
    return tuple(row) if row else None
