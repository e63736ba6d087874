"""A learner's standing as SQL: days behind, status, the table's filter and order, on the enrolment row.

Every expression reads only the enrolment's own columns (its copy of the learner's standing, see
:mod:`app.cohorts.mirror`), so that a cohort's figures and pages are computed by the database on
one cohort's rows. Days behind depend only on the number of items done
(:class:`~app.cohorts.pace.PaceDay`), so they are a ``CASE`` on that number built once per day.
"""

import enum
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from app.alerts.models import CURRENT
from app.alerts.models import Alert
from app.alerts.queries import CohortDay
from app.auth.models import User
from app.cohorts.models import Enrolment
from app.cohorts.pace import PaceDay


class PaceStatus(enum.StrEnum):
    """Where a learner stands, for counts, badges and the table's filter."""

    NOT_STARTED = "pas_commence"
    ON_PACE = "a_jour"
    BEHIND = "en_retard"
    AT_RISK = "a_risque"
    COMPLETED = "termine"


def behind_runs(pace: PaceDay) -> list[tuple[int, int, int]]:
    """Return (first, last, days) for each run of consecutive counts of items done with the same days behind > 0."""
    runs: list[tuple[int, int, int]] = []
    for done, days in enumerate(pace.behind):
        if runs and runs[-1][2] == days and runs[-1][1] == done - 1:
            runs[-1] = (runs[-1][0], done, days)
        elif days > 0:
            runs.append((done, done, days))
    return runs


def days_behind_sql(pace: PaceDay) -> ColumnElement[int]:
    """Return the learner's days behind: a ``CASE`` on the items done, as :meth:`PaceDay.standing` places them.

    A count below zero counts as none and one above the course's items as all of them (the
    standing clamps it), so the first run has no lower bound and beyond the last run it is 0.
    """
    done = Enrolment.items_done
    whens = [((done <= last) if first == 0 else and_(done >= first, done <= last), days) for first, last, days in behind_runs(pace)]
    return case(*whens, else_=0) if whens else literal(0)


def idle_since(day: CohortDay) -> datetime:
    """Return the instant before which a last activity makes a learner idle for ``inactive_days`` (or more).

    Idle days are counted between calendar dates of the cohort's time zone: a last activity
    before the start of that day, ``inactive_days - 1`` days before today, is that idle.
    """
    first_busy_day = day.today - timedelta(days=day.thresholds.inactive_days - 1)
    return datetime.combine(first_busy_day, time(0), day.zone).astimezone(UTC)


def done_where(pace: PaceDay, keep) -> ColumnElement[bool]:
    """Return the condition on the items done that ``keep(days behind)`` holds for, as a few ranges.

    A condition on days behind is one on the items done, and ranges of a column cost the database
    far less per row than the ``CASE`` of :func:`days_behind_sql`. Counts out of the course's range
    count as its ends, as :meth:`PaceDay.standing` clamps them.
    """
    done, kept, first = Enrolment.items_done, [], None
    for count, days in enumerate(pace.behind):
        if keep(days) and first is None:
            first = count
        if first is not None and (count == pace.total or not keep(pace.behind[count + 1])):
            low = None if first == 0 else done >= first
            high = None if count == pace.total else done <= count
            kept.append(and_(*(c for c in (low, high) if c is not None)) if low is not None or high is not None else true())
            first = None
    return or_(*kept) if kept else false()


def at_risk_sql(day: CohortDay) -> ColumnElement[bool]:
    """Return whether an unfinished learner is at risk: days behind past the threshold, or idle for too long."""
    at_risk_days = day.thresholds.at_risk_days
    return or_(done_where(day.pace, lambda days: days >= at_risk_days), Enrolment.last_activity_dt < idle_since(day))


def status_sql(day: CohortDay) -> ColumnElement[str]:
    """Return the learner's :class:`PaceStatus` code: finished, else at risk, else not started, else behind or on pace."""
    return case(
        (Enrolment.items_done >= day.pace.total, PaceStatus.COMPLETED.value),
        (at_risk_sql(day), PaceStatus.AT_RISK.value),
        (Enrolment.first_activity_dt.is_(None), PaceStatus.NOT_STARTED.value),
        (done_where(day.pace, lambda days: days > 0), PaceStatus.BEHIND.value),
        else_=PaceStatus.ON_PACE.value,
    )


def open_alert_conditions(today) -> list:
    """Return the conditions of an alert that needs attention ``today``: current, not resolved, not snoozed past today."""
    return [CURRENT, Alert.resolved_dt.is_(None), or_(Alert.snoozed_until.is_(None), Alert.snoozed_until <= today)]


@dataclass(frozen=True)
class LearnerFilter:
    """What the tutor asked the learner table for (from the query string, already validated)."""

    status: str = ""
    contact: str = ""
    alert: str = ""
    search: str = ""
    sort: str = "retard"
    order: str = "desc"

    @property
    def needle(self) -> str:
        """The text searched for in names and addresses, as they are compared (lower case)."""
        return self.search.strip().lower()


@dataclass(frozen=True)
class Standing:
    """The SQL expressions of a cohort's standing on one day."""

    day: CohortDay
    #: Days behind (for the table's order: every condition on them is a :func:`done_where`).
    days_behind: ColumnElement[int]
    status: ColumnElement[str]

    @classmethod
    def of(cls, day: CohortDay) -> "Standing":
        """Build the expressions for ``day``."""
        return cls(day, days_behind_sql(day.pace), status_sql(day))

    def has_open_alert(self) -> ColumnElement[bool]:
        """Tell whether the learner has an alert of this cohort that needs attention today.

        An uncorrelated ``IN``: the database reads the cohort's open alerts once (a set or a hash
        of them), not once per learner.
        """
        return Enrolment.user_id.in_(select(Alert.user_id).where(Alert.cohort_id == self.day.cohort_id, *open_alert_conditions(self.day.today)))

    def conditions(self, wanted: LearnerFilter) -> list:
        """Return the SQL conditions of the filter (the search needs the learner's account joined)."""
        kept = []
        if wanted.status == PaceStatus.BEHIND.value:  # "en retard" means any day behind, at risk included
            kept.append(done_where(self.day.pace, lambda days: days > 0))
        elif wanted.status:
            kept.append(self.status == wanted.status)
        if wanted.contact:
            kept.append(Enrolment.is_contactable.is_(wanted.contact == "oui"))
        if wanted.alert == "oui":
            kept.append(self.has_open_alert())
        if wanted.needle:
            kept.append(or_(Enrolment.name_key.contains(wanted.needle, autoescape=True), func.lower(User.email).contains(wanted.needle, autoescape=True)))
        return kept

    def order_by(self, wanted: LearnerFilter, *, same_days: bool = False) -> list:
        """Return the ORDER BY of the table: the sort's key, then name and id, all in the order asked.

        Never active learners come first in ascending order of last activity, as the least recent.

        :param same_days: the rows sorted by days behind all have the same (their order is then
            the name's, which an index gives).
        """
        descending = wanted.order == "desc"
        by_days = [] if same_days else [self.days_behind]
        first = {"nom": [], "progression": [Enrolment.items_done], "activite": [Enrolment.last_activity_dt]}.get(wanted.sort, by_days)
        keys = []
        for key in [*first, Enrolment.name_key, Enrolment.user_id]:
            ordered = key.desc() if descending else key.asc()
            if key is Enrolment.last_activity_dt:
                ordered = ordered.nulls_last() if descending else ordered.nulls_first()
            keys.append(ordered)
        return keys
