"""Self-diagnostic operations: import and rating. They flush; the caller commits.

The before/after difference means something only if "after" is rated after the course and
"before" is not rated again once "after" is: the service enforces both, whatever page asks.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists
from sqlalchemy import select

from app.auth.models import UserRef
from app.catalogue.models import Module
from app.catalogue.services import SyncReport
from app.clock import now_utc
from app.cohorts.services import open_cohorts_of
from app.db_util import upsert
from app.diagnostic.loader import DiagnosticSpec
from app.diagnostic.models import Diagnostic
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.extensions import db
from app.progress.queries import done_items
from app.progress.queries import pace_items
from app.progress.services import touch_learner
from app.signals import diagnostic_submitted


def sync_diagnostic(spec: DiagnosticSpec) -> SyncReport:
    """Upsert the self-diagnostic and its statements by id; archive statements removed."""
    report = SyncReport()
    diagnostic = db.session.scalar(select(Diagnostic))
    if diagnostic is None:
        diagnostic = Diagnostic()
        db.session.add(diagnostic)
        report.created.append("autodiagnostic")
    elif diagnostic.source != spec.source:
        diagnostic.revision += 1
        report.updated.append("autodiagnostic")
    else:
        report.unchanged += 1
    diagnostic.title, diagnostic.introduction, diagnostic.scale = spec.title, spec.introduction, list(spec.scale)
    diagnostic.filename, diagnostic.source = spec.filename, spec.source
    modules = {slug: id_ for id_, slug in db.session.execute(select(Module.id, Module.slug))}
    existing = {s.key: s for s in db.session.scalars(select(DiagnosticStatement))}
    for item in spec.statements:
        statement = existing.pop(item.key, None) or DiagnosticStatement(key=item.key)
        statement.text, statement.position, statement.is_archived = item.text, item.position, False
        statement.module_id = modules.get(item.module_slug) if item.module_slug else None
        db.session.add(statement)
    for statement in existing.values():
        statement.is_archived = True
    db.session.flush()
    return report


class DiagnosticClosed(ValueError):
    """A phase of the self-diagnostic cannot be rated now; the message says why."""


@dataclass(frozen=True)
class PhaseAccess:
    """Which phases a learner may rate today, and since or until when."""

    has_after: bool
    #: The whole live course is done.
    finished: bool
    #: The first day "after" opens in the learner's cohort, if they have one (their last days).
    opens_on: date | None
    today: date | None

    @property
    def after_open(self) -> bool:
        """"After" opens once the course is finished or in the cohort's last days."""
        return self.finished or (self.opens_on is not None and self.today >= self.opens_on)

    @property
    def before_open(self) -> bool:
        """"Before" is locked once "after" was rated: the difference would mean nothing."""
        return not self.has_after


def _after_opens_on(user_id: int, now: datetime) -> tuple[date | None, date | None]:
    """Return (first day of the last days, today) for the open cohort whose last days come first."""
    days = current_app.config["DIAGNOSTIC_AFTER_LAST_DAYS"]
    best = None
    for cohort in open_cohorts_of(user_id):
        today = now.astimezone(ZoneInfo(cohort.timezone)).date()
        opens = cohort.end_date - timedelta(days=max(days - 1, 0))
        if best is None or opens - today < best[0] - best[1]:
            best = (opens, today)
    return best or (None, None)


def phase_access(user_id: int, now: datetime) -> PhaseAccess:
    """Tell which phases the learner may rate at ``now``."""
    live = {item.key for item in pace_items()}
    finished = bool(live) and live <= set(done_items(user_id))
    has_after = db.session.scalar(select(exists().where(DiagnosticAnswer.user_id == user_id, DiagnosticAnswer.phase == Phase.AFTER.value)))
    opens_on, today = _after_opens_on(user_id, now)
    return PhaseAccess(bool(has_after), finished, opens_on, today)


def closed_reason(access: PhaseAccess, phase: Phase) -> str | None:
    """Explain why ``phase`` cannot be rated now (and when it can), or ``None`` if it can."""
    if phase == Phase.BEFORE and not access.before_open:
        return str(_l("Vos réponses « avant » ne peuvent plus changer : vous avez déjà répondu « après » le cours."))
    if phase == Phase.AFTER and not access.after_open:
        if access.opens_on is None:
            return str(_l("Le questionnaire « après » s'ouvre quand vous avez terminé le cours (toutes les lectures lues et tous les quiz réussis)."))
        return str(_l(
            "Le questionnaire « après » s'ouvre quand vous avez terminé le cours (toutes les lectures lues et tous les quiz réussis), "
            "ou à partir du %(date)s, dans les derniers jours de votre cohorte.",
            date=format_date(access.opens_on, "long"),
        ))
    return None


def ensure_phase_open(user_id: int, phase: Phase, now: datetime) -> None:
    """Refuse a phase that cannot be rated now.

    :raise DiagnosticClosed: "before" once "after" is rated; "after" before the course is done or
        the cohort's last days.
    """
    reason = closed_reason(phase_access(user_id, now), phase)
    if reason is not None:
        raise DiagnosticClosed(reason)


def save_ratings(user: UserRef, phase: Phase, ratings: dict[int, int]) -> None:
    """Store the learner's ratings (1 to 5) for one phase; rating again replaces them.

    :raise DiagnosticClosed: for a phase that cannot be rated now (nothing is stored then).
    """
    now = now_utc()
    # Take the learner's summary row first (written with the event anyway): two saves at once then
    # take turns, and the check sees the other's answers ("before" sent while "after" is saved).
    touch_learner(user.id, now)
    ensure_phase_open(user.id, phase, now)
    for statement_id, rating in ratings.items():
        upsert(
            DiagnosticAnswer,
            {"user_id": user.id, "phase": phase.value, "statement_id": statement_id},
            {"rating": rating, "answered_dt": now},
            {"rating": rating, "answered_dt": now},
        )
    diagnostic_submitted.send(phase.value, user=user, ratings=ratings)
    db.session.flush()
