"""What tutors see of their cohorts: read-only, a fixed number of queries whatever the cohort's size.

The database does the work on the cohort's enrolment rows, which carry the learner's standing
(:mod:`app.cohorts.mirror`): the figures and today's spread are one grouped count, the table's
page one ordered query with LIMIT and OFFSET behind an index, whatever the number of learners.
Days behind and status are SQL expressions of the day (:mod:`app.tutoring.standing`).
"""

import math
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.alerts.queries import CohortDay
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.extensions import db
from app.tutoring.standing import LearnerFilter
from app.tutoring.standing import PaceStatus
from app.tutoring.standing import Standing
from app.tutoring.standing import at_risk_sql
from app.tutoring.standing import done_where
from app.tutoring.standing import open_alert_conditions

#: What each status says to a tutor, in words (its values are codes for URLs and code).
STATUS_LABELS = {
    PaceStatus.NOT_STARTED: _l("Pas commencé"),
    PaceStatus.ON_PACE: _l("À jour"),
    PaceStatus.BEHIND: _l("En retard"),
    PaceStatus.AT_RISK: _l("À risque"),
    PaceStatus.COMPLETED: _l("Terminé"),
}


def tutored_cohort(cohort_id: int, tutor_id: int) -> Cohort | None:
    """Return the cohort if ``tutor_id`` tutors it, else ``None`` (the view answers 404)."""
    return db.session.scalar(
        select(Cohort).join(CohortTutor, CohortTutor.cohort_id == Cohort.id).where(Cohort.id == cohort_id, CohortTutor.user_id == tutor_id)
    )


@dataclass(frozen=True)
class LearnerLine:
    """One row of the learner table."""

    user_id: int
    name: str
    email: str
    done: int
    total: int
    days_behind: int
    first_activity_dt: datetime | None
    last_activity_dt: datetime | None
    is_contactable: bool
    alerts: tuple[str, ...]
    status: PaceStatus
    #: False once an admin deactivated the account (its work stays in the figures).
    is_active: bool = True

    @property
    def is_behind(self) -> bool:
        """At least one day behind the recommended pace."""
        return self.days_behind > 0


def open_alert_kinds(cohort_id: int, today: date, user_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Return the kinds of each learner's alerts that need attention today (not resolved, not snoozed)."""
    query = select(Alert.user_id, Alert.kind).where(Alert.cohort_id == cohort_id, *open_alert_conditions(today))
    if user_ids is not None:
        query = query.where(Alert.user_id.in_(user_ids))
    kinds: dict[int, list[str]] = {}
    for user_id, kind in db.session.execute(query.order_by(Alert.user_id, Alert.kind)):
        kinds.setdefault(user_id, []).append(kind)
    return {user_id: tuple(k) for user_id, k in kinds.items()}


def learner_lines(
    day: CohortDay, user_ids: list[int] | None = None, wanted: LearnerFilter | None = None, *, limit: int | None = None, offset: int = 0
) -> list[LearnerLine]:
    """Return the cohort's learners that pass the filter, in its order, with their standing today (two queries).

    :param user_ids: only these learners (all of the cohort if ``None``).
    :param wanted: the table's filter and order (none and the default order if ``None``).
    :param limit: at most this many learners, from ``offset`` (a page of the table).
    """
    wanted = wanted or LearnerFilter(sort="retard")
    standing = Standing.of(day)
    return _lines(day, standing, wanted, standing.conditions(wanted), standing.order_by(wanted), limit, offset, user_ids)


def _lines(day: CohortDay, standing: Standing, wanted: LearnerFilter, conditions: list, order: list, limit, offset: int, user_ids=None) -> list[LearnerLine]:
    # The page is chosen on the enrolment rows alone (behind the sort's index); only its lines
    # are then joined to the accounts, unless the search reads the addresses.
    chosen = select(Enrolment.id).where(Enrolment.cohort_id == day.cohort_id, *conditions).order_by(*order).limit(limit).offset(offset)
    if wanted.needle:
        chosen = chosen.join(User, User.id == Enrolment.user_id)
    if user_ids is not None:
        chosen = chosen.where(Enrolment.user_id.in_(user_ids))
    query = select(
        Enrolment.user_id, User.display_name, User.email, Enrolment.items_done, Enrolment.first_activity_dt, Enrolment.last_activity_dt,
        Enrolment.is_contactable, User.is_active, standing.status,
    ).join(User, User.id == Enrolment.user_id).where(Enrolment.id.in_(chosen)).order_by(*order)  # fmt: skip
    rows = db.session.execute(query).all()
    alerts = open_alert_kinds(day.cohort_id, day.today, [row.user_id for row in rows] if limit is not None or user_ids is not None else None)
    lines = []
    for user_id, name, email, done, first, last, given, active, status in rows:
        standing_today = day.pace.standing(done)
        lines.append(
            LearnerLine(user_id, name, email, standing_today.done, standing_today.total, standing_today.days_behind, first, last, given,
                        alerts.get(user_id, ()), PaceStatus(status), active)
        )  # fmt: skip
    return lines


@dataclass(frozen=True)
class CohortFigures:
    """The counts at the top of the cohort page."""

    enrolled: int
    started: int
    completed: int
    on_pace: int
    behind: int
    at_risk: int
    contactable: int
    with_alerts: int

    @property
    def completion_rate(self) -> int:
        """Completed learners as a whole percentage of those enrolled."""
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


@dataclass(frozen=True)
class CohortSummary:
    """What the database counted over a cohort for the page: its figures, today's spread, the table's size."""

    figures: CohortFigures
    #: How many learners have each number of items done (clamped to the course), for the chart.
    done_counts: dict[int, int]
    #: Learners that pass the table's filter, in all and by items done (as counted, not clamped).
    matching: int
    matching_by_done: dict[int, int]


def learners_with_open_alerts(day: CohortDay) -> int:
    """Return how many learners have an alert of the cohort that needs attention today (from ``ix_alert_unsettled`` alone).

    Only enrolled learners have one: taking a learner out of a cohort closes their alerts there.
    """
    return db.session.scalar(select(func.count(Alert.user_id.distinct())).where(Alert.cohort_id == day.cohort_id, *open_alert_conditions(day.today)))


def cohort_summary(day: CohortDay, wanted: LearnerFilter) -> CohortSummary:
    """Count the cohort's learners by items done: figures, today's spread and the filter's matches (two queries).

    At risk, otherwise behind (a day or more), otherwise on pace: each learner is counted once;
    the finished are on pace, and so are those not started while the pace expects nothing yet.
    """
    standing = Standing.of(day)
    conditions = standing.conditions(wanted)
    matching = func.count().filter(and_(*conditions)) if conditions else func.count()
    query = select(
        Enrolment.items_done, func.count(), func.count(Enrolment.first_activity_dt), func.count().filter(Enrolment.is_contactable.is_(True)),
        func.count().filter(Enrolment.items_done < day.pace.total, at_risk_sql(day)), matching,
    ).where(Enrolment.cohort_id == day.cohort_id).group_by(Enrolment.items_done)  # fmt: skip
    if wanted.needle:  # the search reads the address: only then is the account joined
        query = query.join(User, User.id == Enrolment.user_id)
    totals = dict.fromkeys(("enrolled", "started", "contactable", "at_risk", "completed", "behind", "matching"), 0)
    done_counts: dict[int, int] = {}
    matching_by_done: dict[int, int] = {}
    for done, count, started, contactable, at_risk, matches in db.session.execute(query):
        matching_by_done[done] = matches
        placed = day.pace.standing(done)
        done_counts[placed.done] = done_counts.get(placed.done, 0) + count
        totals["enrolled"] += count
        totals["started"] += started
        totals["contactable"] += contactable
        totals["at_risk"] += at_risk
        totals["matching"] += matches
        if placed.done >= placed.total:
            totals["completed"] += count
        elif placed.days_behind > 0:
            totals["behind"] += count - at_risk
    figures = CohortFigures(
        enrolled=totals["enrolled"], started=totals["started"], completed=totals["completed"],
        on_pace=totals["enrolled"] - totals["at_risk"] - totals["behind"], behind=totals["behind"], at_risk=totals["at_risk"],
        contactable=totals["contactable"], with_alerts=learners_with_open_alerts(day),
    )  # fmt: skip
    return CohortSummary(figures, done_counts, totals["matching"], matching_by_done)


@dataclass(frozen=True)
class Page:
    """One page of a list."""

    items: list
    number: int
    pages: int
    total: int


def page_bounds(number: int, per_page: int, total: int) -> tuple[int, int]:
    """Return page ``number`` clamped into range, and how many pages ``total`` items fill."""
    pages = max(1, math.ceil(total / per_page))
    return min(max(number, 1), pages), pages


def learner_page(day: CohortDay, wanted: LearnerFilter, summary: CohortSummary, number: int, per_page: int) -> Page:
    """Return page ``number`` (clamped into range) of the learners that pass the filter, in its order.

    :param summary: the cohort's counts (see :func:`cohort_summary`): how many pass the filter,
        and for the order by days behind, how many have each number of items done.
    """
    number, pages = page_bounds(number, per_page, summary.matching)
    standing, offset = Standing.of(day), (number - 1) * per_page
    conditions, order = standing.conditions(wanted), standing.order_by(wanted)
    if wanted.sort not in ("nom", "progression", "activite"):
        # Days behind have no index (they change every day), but the counts tell which of them
        # the page holds: only those learners are sorted, and by name alone if they share one.
        days, before = days_on_page(day, wanted, summary.matching_by_done, offset, per_page)
        conditions = [*conditions, done_where(day.pace, lambda behind: behind in days)]
        order, offset = standing.order_by(wanted, same_days=len(days) == 1), offset - before
    # Asked even when nothing matches: the same statements whatever the cohort and the filter.
    return Page(_lines(day, standing, wanted, conditions, order, per_page, offset), number, pages, summary.matching)


def days_on_page(day: CohortDay, wanted: LearnerFilter, matching_by_done: dict[int, int], offset: int, per_page: int) -> tuple[set[int], int]:
    """Return the days behind of the learners at ``offset`` to ``offset + per_page`` in days-behind order, and how many come before them."""
    by_days: dict[int, int] = {}
    for done, count in matching_by_done.items():
        days = day.pace.standing(done).days_behind
        by_days[days] = by_days.get(days, 0) + count
    seen, before, kept = 0, 0, set()
    for days in sorted(by_days, reverse=wanted.order == "desc"):
        count = by_days[days]
        if seen + count <= offset:
            before += count
        elif seen < offset + per_page:
            kept.add(days)
        seen += count
    return kept, before


def cohort_alert_counts(cohort_id: int, today: date) -> int:
    """Return how many alerts of the cohort need attention today."""
    return db.session.scalar(select(func.count()).select_from(Alert).where(Alert.cohort_id == cohort_id, *open_alert_conditions(today)))


def tutor_cohorts_overview(tutor_id: int) -> list[tuple[Cohort, int]]:
    """Return the tutor's cohorts, newest first, each with its number of learners."""
    counts = select(Enrolment.cohort_id, func.count().label("n")).group_by(Enrolment.cohort_id).subquery()
    rows = db.session.execute(
        select(Cohort, func.coalesce(counts.c.n, 0))
        .join(CohortTutor, and_(CohortTutor.cohort_id == Cohort.id, CohortTutor.user_id == tutor_id))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.is_closed, Cohort.start_date.desc())
    )
    return [(cohort, n) for cohort, n in rows]
