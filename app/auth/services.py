"""Account operations: they flush, the caller commits."""

from flask import current_app
from flask import g
from flask import session
from sqlalchemy import bindparam
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import SignedInUser
from app.auth.models import User
from app.clock import now_utc
from app.extensions import db


class AccountError(ValueError):
    """An account operation was refused; the message is meant for the person who asked."""


def normalise_email(email: str) -> str:
    """Return the canonical form of an address used as sign-in identifier."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account signed in with ``email``, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, display_name: str, password: str, roles: Role = Role.LEARNER) -> User:
    """Create an account.

    :raise AccountError: if the address is taken or the password too short.
    """
    if find_user_by_email(email) is not None:
        raise AccountError(f"Un compte existe déjà pour {normalise_email(email)}.")
    if len(password) < 8:
        raise AccountError("Le mot de passe doit compter au moins 8 caractères.")
    user = User(email=normalise_email(email), display_name=display_name.strip(), roles=int(roles))
    user.set_password(password, current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("account %s created with roles %s", user.email, roles.names)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose credentials match, and note the sign-in time."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    user.last_login_dt = now_utc()
    db.session.flush()
    return user


#: The columns a :class:`SignedInUser` is built from, in its field order.
SIGNED_IN_USER_COLUMNS = (User.id, User.email, User.display_name, User.roles, User.is_active)
# Built once and run on the connection: the user is loaded on every request.
_SIGNED_IN_USER = select(*SIGNED_IN_USER_COLUMNS).where(User.id == bindparam("user_id"), User.is_active.is_(True))


def load_signed_in_user(user_id: int) -> SignedInUser | None:
    """Return the active account ``user_id`` as the request's user, or ``None``.

    A view that already loaded the user with its own data (see :func:`preload_signed_in_user`)
    saves this query.
    """
    preloaded = g.pop("preloaded_user", None)
    if preloaded is not None and preloaded.id == user_id:
        return preloaded
    with db.engine.connect() as conn:  # a plain read: no ORM session to open and close
        row = conn.execute(_SIGNED_IN_USER, {"user_id": user_id}).first()
    return SignedInUser(*row) if row else None


def preload_signed_in_user(user: SignedInUser) -> None:
    """Hand the request's user to the loader, so that ``current_user`` costs no query."""
    g.preloaded_user = user


def session_user_id() -> int | None:
    """Return the id of the user signed in by this request's session, without loading them."""
    value = session.get("_user_id")
    return int(value) if isinstance(value, str) and value.isdigit() else None
