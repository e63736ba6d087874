"""Record learner actions: each writes its event and the summary rows in one transaction.

Services flush; the view or command that started the unit of work commits once.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.auth.models import UserRef
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.queries import COURSE_STAMP
from app.clock import now_utc
from app.cohorts.services import open_cohort_ids
from app.cohorts.services import pace_cohort_columns
from app.db_util import insert_rows
from app.db_util import upsert
from app.db_util import upsert_if
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import ObjectType
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.progress.models import ReadingProgress
from app.progress.models import Verb
from app.quizzes.models import Quiz
from app.signals import learner_acted


@dataclass(frozen=True)
class _Learner:
    """A learner named by id, for actions on their record that someone else takes."""

    id: int


@dataclass(frozen=True)
class Action:
    """One thing a learner did, before it is written to the log."""

    verb: Verb
    object_type: ObjectType
    object_id: int
    result: dict | None = None


def record_actions(user: UserRef, actions: list[Action], *, readings: int = 0, quizzes: int = 0, activities: int = 0, acted: bool = True) -> None:
    """Append events to the log and update the learner's summary row, once for all of them.

    :param readings: readings newly completed by these actions.
    :param quizzes: quizzes newly passed by these actions.
    :param activities: activities newly validated (by a tutor) by these actions.
    :param acted: the learner did it; a tutor's review of their work is not their activity.
    """
    now = now_utc()
    # Every open cohort of the learner counts the action (each one's alerts are refreshed); the
    # event names the one whose pace the learner sees. The summary row's write returns it.
    cohort_id, cohort_count, course_stamp = touch_learner(user.id, now, readings, quizzes, activities, acted=acted)
    cohort_ids = open_cohort_ids(user.id) if cohort_count > 1 else [cohort_id] * cohort_count
    # One statement for all events, where flushing as many objects would send one per event.
    insert_rows(LearningEvent, [
        {"actor_id": user.id, "verb": a.verb.value, "object_type": a.object_type.value, "object_id": a.object_id, "result": a.result,
         "cohort_id": cohort_id, "created_dt": now}
        for a in actions
    ])
    db.session.flush()  # what the caller changed through the ORM, before the listeners read
    learner_acted.send(user.id, cohort_id=cohort_id, cohort_ids=cohort_ids, verbs={a.verb for a in actions}, course_stamp=course_stamp)


def record_event(user: UserRef, verb: Verb, object_type: ObjectType, object_id: int, result: dict | None = None, **counters) -> None:
    """Append one event to the log and update the learner's summary row (see :func:`record_actions`)."""
    record_actions(user, [Action(verb, object_type, object_id, result)], **counters)


def touch_learner(user_id: int, now, readings: int = 0, quizzes: int = 0, activities: int = 0, *, acted: bool = True) -> tuple[int | None, int, str]:
    """Update the learner's summary row: activity dates (if the learner ``acted``) and completion counters.

    :return: the open cohort whose pace the learner sees (``None`` without one), how many open
        cohorts they have (see :func:`~app.cohorts.services.pace_cohort_columns`) and the course's
        stamp (the listeners' key to the course's items), returned by the same statement.
    """
    counters = {
        "readings_completed": LearnerProgress.readings_completed + readings,
        "quizzes_passed": LearnerProgress.quizzes_passed + quizzes,
        "activities_validated": LearnerProgress.activities_validated + activities,
    }
    dates = {"first_activity_dt": now, "last_activity_dt": now} if acted else {}
    return upsert(
        LearnerProgress,
        {"user_id": user_id},
        {"readings_completed": readings, "quizzes_passed": quizzes, "activities_validated": activities, **dates},
        {**counters, **({"last_activity_dt": now} if acted else {})},
        returning=(*pace_cohort_columns(user_id), COURSE_STAMP),
    )


def is_new_visit(last_viewed_dt: datetime | None) -> bool:
    """Tell whether a view starts a new visit (a reload within the window is the same visit)."""
    if last_viewed_dt is None:
        return True
    window = timedelta(seconds=current_app.config["VIEW_EVENT_WINDOW_SECONDS"])
    return now_utc() - last_viewed_dt >= window


def record_reading_view(user: UserRef, reading_id: int, last_viewed_dt: datetime | None) -> bool:
    """Record that the learner opened a reading, once per visit.

    :param last_viewed_dt: when the learner last opened it, as the page loaded it; a cheap first
        check so that a reload writes nothing. The statement itself then decides: of two views at
        once, only the one that finds the last view outside the window counts.
    :return: whether anything was written.
    """
    if not is_new_visit(last_viewed_dt):
        return False
    now = now_utc()
    window_start = now - timedelta(seconds=current_app.config["VIEW_EVENT_WINDOW_SECONDS"])
    counted = upsert_if(
        ReadingProgress,
        {"user_id": user.id, "reading_id": reading_id},
        {"first_viewed_dt": now, "last_viewed_dt": now, "view_count": 1},
        {"last_viewed_dt": now, "view_count": ReadingProgress.view_count + 1},
        where=or_(ReadingProgress.last_viewed_dt.is_(None), ReadingProgress.last_viewed_dt <= window_start),
    )
    if counted:
        record_event(user, Verb.EXPERIENCED, ObjectType.READING, reading_id)
    return counted


def complete_reading(user: UserRef, reading: Reading) -> bool:
    """Mark a reading as read; marking it again changes nothing.

    The upsert itself decides whether the reading is newly completed (a double click sends two
    requests at once: a read before the write would let both count it).

    :return: whether the reading was newly completed.
    """
    now = now_utc()
    completed = upsert_if(
        ReadingProgress,
        {"user_id": user.id, "reading_id": reading.id},
        {"first_viewed_dt": now, "last_viewed_dt": now, "view_count": 1, "completed_dt": now},
        {"completed_dt": now},
        where=ReadingProgress.completed_dt.is_(None),
    )
    if completed:
        record_event(user, Verb.COMPLETED, ObjectType.READING, reading.id, {"completion": True}, readings=1)
    return completed


def give_feedback(user: UserRef, reading: Reading, rating: FeedbackRating, comment: str | None) -> None:
    """Store the learner's verdict on a reading (a new verdict replaces the previous one)."""
    now = now_utc()
    comment = (comment or "").strip() or None
    upsert(
        ReadingFeedback,
        {"user_id": user.id, "reading_id": reading.id},
        {"rating": rating.value, "comment": comment, "updated_dt": now},
        {"rating": rating.value, "comment": comment, "updated_dt": now},
    )
    record_event(user, Verb.COMMENTED, ObjectType.READING, reading.id, {"response": rating.value, "comment": comment})


def record_review(user_id: int, activity_id: int, validated: bool, version: int) -> None:
    """Log a tutor's review of the learner's answer; a validation counts the activity done.

    The learner's summary row counts it without dating it as their activity (the tutor acted).
    """
    result = {"success": validated, "version": version}
    record_event(_Learner(user_id), Verb.SCORED, ObjectType.ACTIVITY, activity_id, result, activities=int(validated), acted=False)


def recount_learner_progress() -> None:
    """Recount every learner's items done against the live course (after content was archived or restored).

    The counters in :class:`LearnerProgress` then match what the pace counts; progress rows on
    archived items are kept and still reported elsewhere.
    """
    readings = (
        select(func.count())
        .select_from(ReadingProgress)
        .join(Reading)  # on the foreign keys: progress -> reading -> module
        .join(Module)
        .where(ReadingProgress.user_id == LearnerProgress.user_id, ReadingProgress.completed_dt.is_not(None), Reading.is_archived.is_(False), Module.is_archived.is_(False))
        .scalar_subquery()
    )
    quizzes = (
        select(func.count())
        .select_from(QuizProgress)
        .join(Quiz)
        .where(QuizProgress.user_id == LearnerProgress.user_id, QuizProgress.is_passed.is_(True), Quiz.is_archived.is_(False))
        .scalar_subquery()
    )
    activities = (
        select(func.count())
        .select_from(Submission)
        .join(Activity)
        .join(Module)
        .where(Submission.user_id == LearnerProgress.user_id, Submission.status == SubmissionStatus.VALIDATED.value, Activity.is_archived.is_(False),
               Module.is_archived.is_(False))
        .scalar_subquery()
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Wait for the learners' transactions that already counted an action, and hold back the
        # others until this one ends: else the update, blocked on a learner's row, would overwrite
        # that learner's new count with figures read before it (SQLite writers take turns anyway).
        db.session.execute(text(f"LOCK TABLE {LearnerProgress.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))
    db.session.execute(update(LearnerProgress).values(readings_completed=readings, quizzes_passed=quizzes, activities_validated=activities))
