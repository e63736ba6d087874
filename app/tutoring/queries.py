"""What tutors see of their cohorts: read-only, a fixed number of queries whatever the cohort's size.

The learner table comes from one query over the summary rows (never the event log); days behind
are placed in Python from the precomputed pace of the day (:class:`~app.cohorts.pace.PaceDay`).
"""

import enum
import math
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.alerts.models import CURRENT
from app.alerts.models import Alert
from app.alerts.queries import ITEMS_DONE
from app.alerts.queries import CohortDay
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.consent.models import ContactConsent
from app.extensions import db
from app.progress.models import LearnerProgress


class PaceStatus(enum.StrEnum):
    """Where a learner stands, for counts, badges and the table's filter."""

    NOT_STARTED = "pas_commence"
    ON_PACE = "a_jour"
    BEHIND = "en_retard"
    AT_RISK = "a_risque"
    COMPLETED = "termine"


#: What each status says to a tutor, in words (the values above are codes for URLs and code).
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


def _status(day: CohortDay, done: int, days_behind: int, first, last) -> PaceStatus:
    if done >= day.pace.total:
        return PaceStatus.COMPLETED
    idle = (day.today - day.local_date(last)).days if last else None
    if days_behind >= day.thresholds.at_risk_days or (idle is not None and idle >= day.thresholds.inactive_days):
        return PaceStatus.AT_RISK
    if first is None:
        return PaceStatus.NOT_STARTED
    return PaceStatus.BEHIND if days_behind > 0 else PaceStatus.ON_PACE


def open_alert_kinds(cohort_id: int, today: date, user_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Return the kinds of each learner's alerts that need attention today (not resolved, not snoozed)."""
    query = select(Alert.user_id, Alert.kind).where(
        Alert.cohort_id == cohort_id, CURRENT, Alert.resolved_dt.is_(None), or_(Alert.snoozed_until.is_(None), Alert.snoozed_until <= today)
    )
    if user_ids is not None:
        query = query.where(Alert.user_id.in_(user_ids))
    kinds: dict[int, list[str]] = {}
    for user_id, kind in db.session.execute(query.order_by(Alert.user_id, Alert.kind)):
        kinds.setdefault(user_id, []).append(kind)
    return {user_id: tuple(k) for user_id, k in kinds.items()}


#: The learner's current consent: their latest row (as :func:`app.consent.services.is_contactable`
#: reads it), one lookup per learner on ``ix_contact_consent_user_time``. Joining a window over the
#: cohort's consent rows instead lets PostgreSQL, when its statistics are missing or stale (a cohort
#: just imported), pick a nested loop comparing every learner with every consent row: over a
#: second at 10,000 learners. This plan does not depend on the estimates.
_CURRENT_CONSENT = (
    select(ContactConsent.is_given)
    .where(ContactConsent.user_id == Enrolment.user_id)
    .order_by(ContactConsent.changed_dt.desc(), ContactConsent.id.desc())
    .limit(1)
    .correlate(Enrolment)
    .scalar_subquery()
)


def learner_lines(day: CohortDay, user_ids: list[int] | None = None) -> list[LearnerLine]:
    """Return every learner of the cohort with their standing today (two queries in all)."""
    query = (
        select(
            User.id, User.display_name, User.email, ITEMS_DONE, LearnerProgress.first_activity_dt, LearnerProgress.last_activity_dt, _CURRENT_CONSENT, User.is_active
        )
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(LearnerProgress, LearnerProgress.user_id == Enrolment.user_id)
        .where(Enrolment.cohort_id == day.cohort_id)
    )
    if user_ids is not None:
        query = query.where(Enrolment.user_id.in_(user_ids))
    alerts = open_alert_kinds(day.cohort_id, day.today, user_ids)
    lines = []
    for user_id, name, email, done, first, last, given, active in db.session.execute(query):
        standing = day.pace.standing(done)
        lines.append(
            LearnerLine(user_id, name, email, standing.done, standing.total, standing.days_behind, first, last, bool(given), alerts.get(user_id, ()),
                        _status(day, standing.done, standing.days_behind, first, last), active)
        )
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


def cohort_figures(lines: list[LearnerLine]) -> CohortFigures:
    """Count learners by standing: at risk, otherwise behind (a day or more), otherwise on pace."""
    statuses = [line.status for line in lines]
    at_risk = statuses.count(PaceStatus.AT_RISK)
    behind = sum(1 for line in lines if line.is_behind and line.status not in (PaceStatus.AT_RISK, PaceStatus.COMPLETED))
    return CohortFigures(
        enrolled=len(lines),
        started=sum(1 for line in lines if line.first_activity_dt is not None),
        completed=statuses.count(PaceStatus.COMPLETED),
        on_pace=len(lines) - at_risk - behind,
        behind=behind,
        at_risk=at_risk,
        contactable=sum(1 for line in lines if line.is_contactable),
        with_alerts=sum(1 for line in lines if line.alerts),
    )


@dataclass(frozen=True)
class LearnerFilter:
    """What the tutor asked the learner table for (from the query string, already validated)."""

    status: str = ""
    contact: str = ""
    alert: str = ""
    search: str = ""
    sort: str = "retard"
    order: str = "desc"

    def keeps(self, line: LearnerLine) -> bool:
        """Tell whether ``line`` passes the filter."""
        if self.status == PaceStatus.BEHIND.value:  # "en retard" means any day behind, at risk included
            if not line.is_behind:
                return False
        elif self.status and line.status.value != self.status:
            return False
        if self.contact and line.is_contactable != (self.contact == "oui"):
            return False
        if self.alert == "oui" and not line.alerts:
            return False
        needle = self.search.strip().lower()
        return not needle or needle in line.name.lower() or needle in line.email.lower()


_SORT_KEYS = {
    "nom": lambda line: (line.name.lower(), line.user_id),
    "progression": lambda line: (line.done, line.name.lower()),
    "retard": lambda line: (line.days_behind, line.name.lower()),
    "activite": lambda line: (line.last_activity_dt.timestamp() if line.last_activity_dt else -math.inf, line.name.lower()),
}
SORTS = tuple(_SORT_KEYS)


def select_lines(lines: list[LearnerLine], wanted: LearnerFilter) -> list[LearnerLine]:
    """Filter and sort the learner table."""
    kept = [line for line in lines if wanted.keeps(line)]
    kept.sort(key=_SORT_KEYS.get(wanted.sort, _SORT_KEYS["retard"]), reverse=wanted.order == "desc")
    return kept


@dataclass(frozen=True)
class Page:
    """One page of a list."""

    items: list
    number: int
    pages: int
    total: int


def paginate(items: list, number: int, per_page: int) -> Page:
    """Cut ``items`` into pages and return page ``number`` (clamped into range)."""
    pages = max(1, math.ceil(len(items) / per_page))
    number = min(max(number, 1), pages)
    return Page(items[(number - 1) * per_page : number * per_page], number, pages, len(items))


def cohort_alert_counts(cohort_id: int, today: date) -> int:
    """Return how many alerts of the cohort need attention today."""
    return sum(len(kinds) for kinds in open_alert_kinds(cohort_id, today).values())


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
