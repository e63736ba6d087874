"""Read the facts the alert rules need, for many learners at once (no query per learner)."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.alerts.rules import Thresholds
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.pace import PaceDay
from app.cohorts.pace import PaceItem
from app.cohorts.pace import expected_curve
from app.cohorts.pace import schedule
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import QuizProgress
from app.progress.queries import pace_items
from app.quizzes.models import Quiz


@dataclass(frozen=True)
class CohortDay:
    """A cohort's settings and its pace on one day, as plain values (they outlive a commit)."""

    cohort_id: int
    name: str
    start_date: date
    end_date: date
    zone: ZoneInfo
    sends_reminders: bool
    thresholds: Thresholds
    today: date
    pace: PaceDay
    #: (day offset, items expected done) points of the pace, for charts.
    expected_points: tuple[tuple[int, int], ...] = ()

    def local_date(self, when: datetime | None) -> date | None:
        """Return the cohort's calendar date of an instant."""
        return when.astimezone(self.zone).date() if when else None


def cohort_day(cohort: Cohort, now: datetime, items: list[PaceItem] | None = None) -> CohortDay:
    """Freeze a cohort's settings and pace for ``now`` (items: the live course, loaded if not given)."""
    zone = ZoneInfo(cohort.timezone)
    today = now.astimezone(zone).date()
    scheduled = schedule(pace_items() if items is None else items, cohort.start_date, cohort.end_date)
    thresholds = Thresholds(
        not_started_days=cohort.not_started_days,
        behind_days=cohort.behind_days,
        at_risk_days=cohort.at_risk_days,
        inactive_days=cohort.inactive_days,
        struggling_failures=cohort.struggling_failures,
        review_days=cohort.review_days,
    )
    return CohortDay(
        cohort.id, cohort.name, cohort.start_date, cohort.end_date, zone, cohort.sends_reminders, thresholds, today,
        PaceDay.build(scheduled, today), tuple(expected_curve(scheduled, cohort.start_date)),
    )


def open_cohorts() -> list[Cohort]:
    """Return the cohorts not closed (the caller skips those not started in their time zone)."""
    return list(db.session.scalars(select(Cohort).where(Cohort.is_closed.is_(False)).order_by(Cohort.id)))


class LearnerRow(NamedTuple):
    """One enrolled learner's summary row."""

    user_id: int
    email: str
    display_name: str
    done: int
    last_activity_dt: datetime | None


#: Items done, from the summary row kept with every event (live items only, see progress.services).
ITEMS_DONE = func.coalesce(LearnerProgress.readings_completed + LearnerProgress.quizzes_passed + LearnerProgress.activities_validated, 0)


def learner_rows(cohort_id: int, *, after_id: int = 0, limit: int = 1000, user_ids: list[int] | None = None) -> list[LearnerRow]:
    """Return active enrolled learners in id order, from ``after_id`` (keyset pagination)."""
    query = (
        select(Enrolment.user_id, User.email, User.display_name, ITEMS_DONE, LearnerProgress.last_activity_dt)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(LearnerProgress, LearnerProgress.user_id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.user_id > after_id, User.is_active.is_(True))
        .order_by(Enrolment.user_id)
        .limit(limit)
    )
    if user_ids is not None:
        query = query.where(Enrolment.user_id.in_(user_ids))
    return [LearnerRow(*row) for row in db.session.execute(query)]


def quiz_failures(user_ids: list[int], minimum: int) -> dict[int, dict[str, int]]:
    """Return, per learner, the live quizzes not passed and failed at least ``minimum`` times in a row."""
    rows = db.session.execute(
        select(QuizProgress.user_id, Quiz.title, QuizProgress.failures_count)
        .join(Quiz, and_(Quiz.id == QuizProgress.quiz_id, Quiz.is_archived.is_(False)))
        .where(QuizProgress.user_id.in_(user_ids), QuizProgress.is_passed.is_(False), QuizProgress.failures_count >= minimum)
    )
    failures: dict[int, dict[str, int]] = {}
    for user_id, title, count in rows:
        failures.setdefault(user_id, {})[title] = count
    return failures


def waiting_reviews(user_ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """Return, per learner, their oldest answer waiting for a review: the activity's title and when it was sent."""
    rows = db.session.execute(
        select(Submission.user_id, Activity.title, Submission.submitted_dt)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Submission.user_id.in_(user_ids), Submission.status == SubmissionStatus.SUBMITTED.value)
        .order_by(Submission.submitted_dt.desc())
    )
    return {user_id: (title, sent) for user_id, title, sent in rows}  # the oldest comes last
