"""Refresh a learner's alerts as soon as they act, without waiting for the next run."""

from sqlalchemy import select

from app.alerts.models import CURRENT
from app.alerts.models import Alert
from app.alerts.queries import cohort_day
from app.alerts.queries import learner_rows
from app.alerts.services import refresh_learners
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.extensions import db
from app.progress.models import Verb
from app.signals import learner_acted


@learner_acted.connect
def _on_learner_acted(user_id: int, cohort_id: int | None, verbs: set, **extra) -> None:
    """Close what the learner caught up on; open "struggling" right after a failed quiz.

    Only learners with a current alert, or who just failed a quiz, are evaluated: a plain reading
    view of a learner without alerts costs one small query.
    """
    if cohort_id is None:
        return
    if Verb.FAILED not in verbs:
        has_current = db.session.scalar(select(Alert.id).where(Alert.cohort_id == cohort_id, Alert.user_id == user_id, CURRENT).limit(1))
        if has_current is None:
            return
    cohort = db.session.get(Cohort, cohort_id)
    now = now_utc()
    day = cohort_day(cohort, now)
    if day.today >= day.start_date:
        refresh_learners(day, learner_rows(cohort_id, user_ids=[user_id]), now)
