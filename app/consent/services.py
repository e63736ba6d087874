"""Consent operations and the check every contact must pass. They flush; the caller commits."""

from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import User
from app.auth.models import UserRef
from app.clock import now_utc
from app.consent.models import ContactConsent
from app.extensions import db


class ConsentRequired(PermissionError):
    """A tutor contact or reminder was refused: the learner has not agreed to be contacted."""


def consent_history(user_id: int) -> list[ContactConsent]:
    """Return every change of the learner's consent, most recent first."""
    return list(
        db.session.scalars(
            select(ContactConsent).where(ContactConsent.user_id == user_id).order_by(ContactConsent.changed_dt.desc(), ContactConsent.id.desc())
        )
    )


def _latest_choice(user_id: int, *, active_only: bool) -> bool:
    query = select(ContactConsent.is_given).where(ContactConsent.user_id == user_id)
    if active_only:
        query = query.join(User, User.id == ContactConsent.user_id).where(User.is_active.is_(True))
    return bool(db.session.scalar(query.order_by(ContactConsent.changed_dt.desc(), ContactConsent.id.desc()).limit(1)))


def is_contactable(user_id: int) -> bool:
    """Tell whether the learner currently agrees to be contacted (no answer means no).

    A deactivated account is never contacted, whatever it agreed to: the person has left.
    """
    return _latest_choice(user_id, active_only=True)


def current_consent(user_ids=None):
    """Return a subquery of learners' current choice: ``user_id``, ``is_given`` (their latest row).

    :param user_ids: a list or a select of ids to restrict it to (all learners if ``None``).
    """
    ranked = select(
        ContactConsent.user_id,
        ContactConsent.is_given,
        func.row_number().over(partition_by=ContactConsent.user_id, order_by=(ContactConsent.changed_dt.desc(), ContactConsent.id.desc())).label("rank"),
    )
    if user_ids is not None:
        ranked = ranked.where(ContactConsent.user_id.in_(user_ids))
    ranked = ranked.subquery()
    return select(ranked.c.user_id, ranked.c.is_given).where(ranked.c.rank == 1).subquery()


def contactable_ids(user_ids: list[int]) -> set[int]:
    """Return which of these learners currently agree to be contacted (and still have an active account)."""
    if not user_ids:
        return set()
    current = current_consent(user_ids)
    agreed = select(current.c.user_id).join(User, User.id == current.c.user_id).where(current.c.is_given.is_(True), User.is_active.is_(True))
    return set(db.session.scalars(agreed))


def ensure_contactable(user_id: int) -> None:
    """Refuse any contact with a learner who has not agreed to it.

    Every service that contacts a learner (tutor contact, reminder email) calls this first, so the
    rule holds whatever page or command asks.

    :raise ConsentRequired: without current consent.
    """
    if not is_contactable(user_id):
        raise ConsentRequired(f"learner {user_id} has not agreed to be contacted")


def ensure_all_contactable(user_ids: list[int]) -> None:
    """Refuse a contact with several learners at once if any of them has not agreed (one query).

    :raise ConsentRequired: naming the learners without current consent.
    """
    refused = sorted(set(user_ids) - contactable_ids(list(set(user_ids))))
    if refused:
        raise ConsentRequired(f"learners {refused} have not agreed to be contacted")


def set_contact_consent(user: UserRef, is_given: bool) -> bool:
    """Record the learner's choice; return whether it changed anything (a repeat is not a change)."""
    if _latest_choice(user.id, active_only=False) == is_given:
        return False
    db.session.add(ContactConsent(user_id=user.id, is_given=is_given, changed_dt=now_utc()))
    db.session.flush()
    return True
