"""Who may have a certificate, issuing it (once) and revoking it. They flush; the caller commits."""

import secrets
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy import update

from app.certificates.models import Certificate
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.db_util import insert_absent_returning
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.queries import done_items
from app.progress.queries import pace_items

#: The course a certificate names (the platform teaches one).
COURSE_TITLE = "Comprendre l'IA au travail"
#: Characters of a verification code: no 0/O or 1/I to misread on paper.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Completion:
    """Where a learner stands towards the certificate."""

    items_total: int
    items_done: int
    #: The day the last item was done, once every one is.
    completed_on: date | None

    @property
    def is_complete(self) -> bool:
        """Every live item done: readings read, quizzes passed, activities validated."""
        return self.items_total > 0 and self.completed_on is not None


def _local_date(when: datetime, zone: str) -> date:
    return when.astimezone(ZoneInfo(zone)).date()


def completion(user_id: int) -> Completion:
    """Tell how much of the live course the learner has done, and when they finished it."""
    items = pace_items()
    done = done_items(user_id)
    finished = [done[item.key] for item in items if item.key in done]
    complete = bool(items) and len(finished) == len(items)
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return Completion(len(items), len(finished), _local_date(max(finished), zone) if complete else None)


def new_code() -> str:
    """Return a random verification code, in groups of four (80 bits: not guessable)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


class CertificateRefused(ValueError):
    """No certificate (yet): the message says why."""


def issue_certificate(user) -> Certificate:
    """Return the learner's certificate, issuing it the first time once the whole course is done.

    Two requests at once issue one: the unique learner decides.

    :raise CertificateRefused: the course is not finished.
    """
    existing = certificate_of(user.id)
    if existing is not None:
        return existing
    state = completion(user.id)
    if not state.is_complete:
        raise CertificateRefused(ngettext("L'attestation vous attend une fois tout le cours fait : %(num)d élément sur %(total)d pour l'instant.",
                                          "L'attestation vous attend une fois tout le cours fait : %(num)d éléments sur %(total)d pour l'instant.",
                                          state.items_done, total=state.items_total))
    cohort = _cohort_of(user.id)
    zone = cohort.timezone if cohort else current_app.config["BABEL_DEFAULT_TIMEZONE"]
    first = db.session.scalar(select(LearnerProgress.first_activity_dt).where(LearnerProgress.user_id == user.id))
    values = {
        "user_id": user.id, "code": new_code(), "learner_name": user.display_name, "course_title": COURSE_TITLE,
        "cohort_name": cohort.name if cohort else None, "started_on": _local_date(first, zone) if first else state.completed_on,
        "completed_on": state.completed_on, "minutes": sum(item.minutes for item in pace_items()), "issued_dt": now_utc(),
    }
    insert_absent_returning(Certificate, values, ["user_id"], "id")
    return certificate_of(user.id)


def _cohort_of(user_id: int) -> Cohort | None:
    """The learner's latest cohort, closed or not (the one they followed the course with)."""
    return db.session.scalar(
        select(Cohort).join(Enrolment, Enrolment.cohort_id == Cohort.id).where(Enrolment.user_id == user_id).order_by(Enrolment.enrolled_dt.desc(), Cohort.id.desc()).limit(1)
    )


def certificate_of(user_id: int) -> Certificate | None:
    """Return the learner's certificate, if one was issued."""
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


def certificate_by_code(code: str) -> Certificate | None:
    """Return the certificate with this verification code (any case, with or without its dashes)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(cleaned) != 16:
        return None
    canonical = "-".join(cleaned[i : i + 4] for i in range(0, 16, 4))
    return db.session.scalar(select(Certificate).where(Certificate.code == canonical))


def revoke_certificate(certificate: Certificate, admin_id: int, reason: str) -> None:
    """Revoke a certificate: its public page then says so. Decided by the update (revoked once).

    :raise CertificateRefused: no reason given, or already revoked.
    """
    reason = reason.strip()
    if not reason:
        raise CertificateRefused(str(_l("Indiquez la raison de la révocation.")))
    revoked = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_dt.is_(None))
        .values(revoked_dt=now_utc(), revoked_by_id=admin_id, revoke_reason=reason)
    ).rowcount
    if revoked != 1:
        raise CertificateRefused(str(_l("Cette attestation est déjà révoquée.")))
    db.session.expire(certificate)
