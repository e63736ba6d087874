"""Refresh a learner's alerts as soon as they act, without waiting for the next run."""

from sqlalchemy import select
from sqlalchemy import update

from app.alerts.models import CURRENT
from app.alerts.models import Alert
from app.alerts.queries import cohort_day
from app.alerts.queries import learner_rows
from app.alerts.services import lock_cohort
from app.alerts.services import refresh_learners
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.extensions import db
from app.progress.models import Verb
from app.progress.queries import pace_items
from app.progress.queries import pace_items_of
from app.signals import enrolment_ended
from app.signals import learner_acted


@learner_acted.connect
def _on_learner_acted(user_id: int, cohort_ids: list[int], verbs: set, course_stamp: str | None = None, **extra) -> None:
    """Close what the learner caught up on; open "struggling" right after a failed quiz.

    Every open cohort of the learner is refreshed (each has its own pace and thresholds), so the
    tutor of an older cohort sees the same learner as the tutor of the newer one. Only cohorts
    where the learner has a current alert, or all of them after a failed quiz, are evaluated: a
    plain reading view of a learner without alerts costs one small query (and, on PostgreSQL, one
    shared lock per cohort, which waits only while a run's batch of that cohort is deciding).
    """
    if not cohort_ids:
        return
    # Shared locks first, in one order: a run's batch that read this learner's facts before this
    # action committed has decided by the time the alerts are looked at below, so its alerts are
    # seen (and corrected with this action's facts); a batch not yet started waits for this commit.
    for cohort_id in sorted(cohort_ids):
        lock_cohort(cohort_id, shared=True)
    if Verb.FAILED not in verbs:
        cohort_ids = list(db.session.scalars(select(Alert.cohort_id).where(Alert.cohort_id.in_(cohort_ids), Alert.user_id == user_id, CURRENT).distinct()))
    now = now_utc()
    items = (pace_items() if course_stamp is None else pace_items_of(course_stamp)) if cohort_ids else []
    for cohort_id in sorted(cohort_ids):
        cohort = db.session.get(Cohort, cohort_id)
        day = cohort_day(cohort, now, items)
        if day.today >= day.start_date:
            refresh_learners(day, learner_rows(cohort_id, user_ids=[user_id]), now)


@enrolment_ended.connect
def _on_enrolment_ended(cohort_id: int, user_id: int, **extra) -> None:
    """Close the learner's current alerts in the cohort they left: no tutor of it follows them any more.

    Under the cohort's shared lock, so that a run's batch deciding on this learner finishes first
    (and a later one no longer finds them enrolled).
    """
    lock_cohort(cohort_id, shared=True)
    db.session.execute(update(Alert).where(Alert.cohort_id == cohort_id, Alert.user_id == user_id, CURRENT).values(closed_dt=now_utc()))
