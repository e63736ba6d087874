"""How far a cohort's learners had gone at the end of each week: the pace chart's history.

A week's figures are computed once, from completion dates, when the week is over, and kept in
:class:`~app.cohorts.models.CohortWeek`; the dashboard then reads a few rows instead of scanning
every learner's progress.
"""

import math
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import union_all

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.models import CohortWeek
from app.cohorts.models import Enrolment
from app.db_util import insert_absent
from app.extensions import db
from app.progress.models import QuizProgress
from app.progress.models import ReadingProgress
from app.quizzes.models import Quiz

PERCENTILES = (10, 25, 50, 75, 90)


def week_ends(start: date, end: date) -> list[date]:
    """Return the day after each week of the window (the last one is the day after ``end``)."""
    weeks = max(1, math.ceil((end - start).days / 7))
    return [min(start + timedelta(days=7 * w), end + timedelta(days=1)) for w in range(1, weeks + 1)]


def percentiles(values: list[int]) -> list[int]:
    """Return the nearest-rank 10th, 25th, 50th, 75th and 90th percentiles of ``values``."""
    if not values:
        return [0] * len(PERCENTILES)
    ordered = sorted(values)
    return [ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] for p in PERCENTILES]


def items_done_before(cohort_id: int, moment: datetime) -> dict[int, int]:
    """Return, per enrolled learner with any, the live items finished before ``moment``."""
    members = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)
    readings = (
        select(ReadingProgress.user_id.label("user_id"))
        .join(Reading, and_(Reading.id == ReadingProgress.reading_id, Reading.is_archived.is_(False)))
        .join(Module, and_(Module.id == Reading.module_id, Module.is_archived.is_(False)))
        .where(ReadingProgress.user_id.in_(members), ReadingProgress.completed_dt < moment)
    )
    quizzes = (
        select(QuizProgress.user_id.label("user_id"))
        .join(Quiz, and_(Quiz.id == QuizProgress.quiz_id, Quiz.is_archived.is_(False)))
        .where(QuizProgress.user_id.in_(members), QuizProgress.passed_dt < moment)
    )
    done = union_all(readings, quizzes).subquery()
    return dict(db.session.execute(select(done.c.user_id, func.count()).group_by(done.c.user_id)).all())


def record_cohort_weeks(cohort: Cohort, today: date) -> int:
    """Compute and keep the figures of every week of ``cohort`` that is over and not yet kept.

    The insert decides, not the read of the weeks kept: two runs just after a week ended both
    compute it, the first one's row stays and the second's statement inserts nothing.

    :return: how many weeks this call recorded.
    """
    zone = ZoneInfo(cohort.timezone)
    kept = set(db.session.scalars(select(CohortWeek.week).where(CohortWeek.cohort_id == cohort.id)))
    learners = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id)) or 0
    recorded = 0
    for week, boundary in enumerate(week_ends(cohort.start_date, cohort.end_date), start=1):
        if week in kept or boundary > today:
            continue
        moment = datetime.combine(boundary, time(0), zone).astimezone(UTC)
        counts = list(items_done_before(cohort.id, moment).values())
        counts += [0] * (learners - len(counts))
        values = {"cohort_id": cohort.id, "week": week, "learners": learners, "percentiles": percentiles(counts), "computed_dt": now_utc()}
        recorded += insert_absent(CohortWeek, values, ["cohort_id", "week"])
    return recorded


def cohort_weeks(cohort_id: int) -> list[CohortWeek]:
    """Return the weeks kept for a cohort, in order."""
    return list(db.session.scalars(select(CohortWeek).where(CohortWeek.cohort_id == cohort_id).order_by(CohortWeek.week)))
