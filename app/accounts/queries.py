"""The account list of the admin pages: search, filters, and who has not accepted their invitation."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.accounts.models import AccountToken
from app.accounts.models import TokenPurpose
from app.auth.models import NO_PASSWORD
from app.auth.models import Role
from app.auth.models import User
from app.auth.models import holds_role
from app.cohorts.models import Enrolment
from app.extensions import db


def awaiting_activation():
    """SQL condition: the account never chose a password nor signed in (its invitation is not accepted)."""
    return User.password_hash == NO_PASSWORD, User.last_login_dt.is_(None), User.anonymised_dt.is_(None)


#: The status filter: its values in the query string and the condition each one stands for.
STATUS_FILTERS = {
    "actifs": lambda: (User.is_active.is_(True),),
    "desactives": lambda: (User.is_active.is_(False), User.anonymised_dt.is_(None)),
    "jamais-connectes": lambda: (User.last_login_dt.is_(None), User.anonymised_dt.is_(None)),
    "invitation-en-attente": awaiting_activation,
}


@dataclass(frozen=True)
class AccountFilter:
    """What the admin searches for; empty fields filter nothing."""

    text: str = ""
    role: Role | None = None
    cohort_id: int | None = None
    status: str = ""


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def account_select(criteria: AccountFilter) -> Select:
    """Return a select of the accounts matching ``criteria``, by email (the caller paginates)."""
    query = select(User).order_by(User.email)
    if criteria.text.strip():
        pattern = _like(criteria.text.strip().lower())
        names = (User.email, User.first_name, User.last_name, User.display_name)
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in names)))
    if criteria.role is not None:
        query = query.where(holds_role(criteria.role))
    if criteria.cohort_id is not None:
        query = query.where(User.id.in_(select(Enrolment.user_id).where(Enrolment.cohort_id == criteria.cohort_id)))
    if criteria.status in STATUS_FILTERS:
        query = query.where(*STATUS_FILTERS[criteria.status]())
    return query


def is_awaiting_activation(user: User) -> bool:
    """Tell whether the person never chose a password nor signed in (the Python twin of :func:`awaiting_activation`)."""
    return user.password_hash == NO_PASSWORD and user.last_login_dt is None and user.anonymised_dt is None


def invitations_of(users: list[User]) -> dict[int, datetime]:
    """Return, for the listed accounts awaiting activation, when their latest invitation link expires (or expired)."""
    waiting = [u.id for u in users if is_awaiting_activation(u)]
    if not waiting:
        return {}
    rows = db.session.execute(
        select(AccountToken.user_id, func.max(AccountToken.expires_dt))
        .where(AccountToken.user_id.in_(waiting), AccountToken.purpose == TokenPurpose.INVITATION.value)
        .group_by(AccountToken.user_id)
    ).all()
    return {user_id: expires for user_id, expires in rows}


def active_admin_count() -> int:
    """Return how many active admins there are."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.is_active.is_(True), holds_role(Role.ADMIN)))
