"""Account operations: they flush, the caller commits."""

import re
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask import g
from flask import session
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update

from app.auth.hashing import check_against_dummy
from app.auth.hashing import hash_password
from app.auth.hashing import needs_rehash
from app.auth.models import NO_PASSWORD
from app.auth.models import Role
from app.auth.models import SignedInUser
from app.auth.models import User
from app.auth.models import parse_session_token
from app.auth.passwords import password_problem
from app.clock import now_utc
from app.extensions import db


class AccountError(ValueError):
    """An account operation was refused; the message is meant for the person who asked."""


class WrongPasswordError(AccountError):
    """The current password given to confirm an operation is not the account's."""


#: An address as an organisation's directory holds it: one ``@``, a dot in the domain, no space.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_email(email: str) -> bool:
    """Tell whether ``email`` (normalised) has the shape of an address; its mailbox may still not exist."""
    return bool(_EMAIL.match(email)) and len(email) <= 254


def normalise_email(email: str) -> str:
    """Return the canonical form of an address used as sign-in identifier."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account signed in with ``email``, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, display_name: str, password: str | None, roles: Role = Role.LEARNER, *, first_name: str = "", last_name: str = "", locale: str | None = None
) -> User:
    """Create an account; without a password, it has none until the person chooses one (invitation).

    :raise AccountError: if the address is taken or the password breaks the rule (``passwords``).
    """
    if find_user_by_email(email) is not None:
        raise AccountError(_("Un compte existe déjà pour %(email)s.", email=normalise_email(email)))
    problem = None if password is None else password_problem(password)
    if problem is not None:
        raise AccountError(problem)
    user = User(
        email=normalise_email(email), display_name=display_name.strip(), first_name=first_name.strip(), last_name=last_name.strip(),
        roles=int(roles), locale=locale, password_hash=NO_PASSWORD,
    )
    if password is not None:
        user.set_password(password, _hash_parameters())
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("account %s created with roles %s", user.email, roles.names)
    return user


def _hash_parameters() -> dict:
    return current_app.config["PASSWORD_HASH_PARAMETERS"]


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose credentials match, and note the sign-in time.

    A password is hashed whether or not the account exists or may sign in, so the answer takes
    as long for an unknown address as for a known one and does not tell who has an account.
    A hash made the old way is upgraded on the way (see :func:`upgrade_password_hash`).
    """
    user = find_user_by_email(email)
    if user is not None and user.has_password_hash:
        matches = user.check_password(password)
    else:  # unknown, or anonymised (its stored value is not a hash)
        matches = check_against_dummy(password, _hash_parameters())
    if user is None or not user.is_active or not matches:
        return None
    user.last_login_dt = now_utc()
    db.session.flush()
    upgrade_password_hash(user, password)
    return user


def upgrade_password_hash(user: User, password: str) -> bool:
    """Hash ``password``, which just matched, anew if the account's hash was made otherwise than today.

    That is a Werkzeug hash (scrypt, PBKDF2) or an Argon2id one of other parameters: the password
    is known only at sign-in, so that is when the hash changes, without the person noticing.
    The update is conditional on the hash that was checked, so a password changed meanwhile is
    not overwritten and of two sign-ins at once only one writes.

    :return: whether this call stored a new hash.
    """
    checked, parameters = user.password_hash, _hash_parameters()
    if not needs_rehash(checked, parameters):
        return False
    upgraded = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == checked).values(password_hash=hash_password(password, parameters))
    )
    if upgraded.rowcount == 1:
        current_app.logger.info("account %s: password hash upgraded to Argon2id", user.id)
    return upgraded.rowcount == 1


def revoke_sessions(user_id: int) -> None:
    """End every session of the account, in every browser (its remember cookies too).

    One statement raises the account's session version, so two revocations at once both count.
    """
    db.session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


#: What a new session keeps of the one it replaces (the visitor's language choice).
KEPT_ACROSS_SIGN_IN = ("lang",)


def _renew_session() -> None:
    """Empty the session but for the language: a new CSRF token and nothing from before."""
    kept = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)


def start_session(user: User) -> None:
    """Sign ``user`` in, in a renewed session (so with a new CSRF token)."""
    _renew_session()
    login_user(user)


#: Where the session keeps a sign-in waiting for its second factor.
PENDING_KEY = "pending_sign_in"


def await_second_factor(user: User, next_url: str) -> None:
    """Remember, in this browser's session, that ``user`` gave the right password; no one is signed in yet."""
    _renew_session()
    session[PENDING_KEY] = {"user": user.id, "version": user.session_version or 0, "at": now_utc().timestamp(), "next": next_url}


def pending_second_factor() -> tuple[int, str] | None:
    """Return the account waiting for its code in this session and where to go next, or ``None``.

    Nobody waits once ``TWO_FACTOR_PENDING_MINUTES`` have passed, or if the account was
    deactivated or its sessions revoked meanwhile (its password changed, say).
    """
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    if not isinstance(user_id, int) or not isinstance(pending.get("at"), float):
        session.pop(PENDING_KEY, None)
        return None
    age = now_utc().timestamp() - pending["at"]
    current = db.session.execute(select(User.session_version, User.is_active).where(User.id == user_id)).first()
    if age > 60 * current_app.config["TWO_FACTOR_PENDING_MINUTES"] or current is None or not current.is_active or current.session_version != pending.get("version"):
        session.pop(PENDING_KEY, None)
        return None
    return user_id, str(pending.get("next") or "/")


def end_session() -> None:
    """Sign out, ending every session of the account (the caller commits)."""
    if current_user.is_authenticated:
        revoke_sessions(current_user.id)
    logout_user()
    _renew_session()


def change_password(user_id: int, current_password: str, new_password: str) -> User:
    """Replace the account's password and end all its sessions; return the account, freshly loaded.

    The update is conditional on the hash that was checked, so of two changes made at once with
    the same current password only one is applied.

    :raise AccountError: if the current password is wrong, the new one breaks the rule, or the
        password was changed meanwhile.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.has_password_hash or not user.check_password(current_password):
        raise WrongPasswordError(_("Le mot de passe actuel est incorrect."))
    problem = password_problem(new_password)
    if problem is not None:
        raise AccountError(problem)
    checked_hash = user.password_hash
    changed = db.session.execute(
        update(User)
        .where(User.id == user_id, User.password_hash == checked_hash)
        .values(password_hash=hash_password(new_password, _hash_parameters()), session_version=User.session_version + 1)
    )
    if changed.rowcount != 1:
        raise AccountError(_("Le mot de passe vient d'être changé ailleurs : recommencez."))
    db.session.refresh(user)
    current_app.logger.info("account %s changed its password; its sessions are revoked", user_id)
    return user


def set_new_password(user_id: int, new_password: str) -> None:
    """Give the account ``new_password`` (from an invitation or reset link) and end all its sessions.

    :raise AccountError: if the password breaks the rule.
    """
    problem = password_problem(new_password)
    if problem is not None:
        raise AccountError(problem)
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=hash_password(new_password, _hash_parameters()), session_version=User.session_version + 1)
    )
    current_app.logger.info("account %s chose a new password through a link; its sessions are revoked", user_id)


#: The columns a :class:`SignedInUser` is built from, in its field order.
SIGNED_IN_USER_COLUMNS = (
    User.id, User.email, User.display_name, User.roles, User.is_active, User.session_version, User.totp_enabled_dt.is_not(None).label("has_two_factor")
)
# Built once and run on the connection: the user is loaded on every request.
_SIGNED_IN_USER = select(*SIGNED_IN_USER_COLUMNS).where(User.id == bindparam("user_id"), User.is_active.is_(True))


def load_signed_in_user(user_id: int, session_version: int) -> SignedInUser | None:
    """Return the active account ``user_id`` as the request's user, or ``None``.

    ``None`` too when the session's version is not the account's (the session was revoked): the
    version comes with the row the request loads anyway, so the check costs no query.
    A view that already loaded the user with its own data (see :func:`preload_signed_in_user`)
    saves this query.
    """
    user = g.pop("preloaded_user", None)
    if user is None or user.id != user_id:
        with db.engine.connect() as conn:  # a plain read: no ORM session to open and close
            row = conn.execute(_SIGNED_IN_USER, {"user_id": user_id}).first()
        user = SignedInUser(*row) if row else None
    return user if user is not None and user.session_version == session_version else None


def preload_signed_in_user(user: SignedInUser) -> None:
    """Hand the request's user to the loader, so that ``current_user`` costs no query."""
    g.preloaded_user = user


T = TypeVar("T")


def preload_with(load: Callable[[int], tuple[SignedInUser, T] | None]) -> T | None:
    """Load the session's user with a page's own data in one query, and hand the user to the loader.

    :param load: the page's query, given the session's user id: the active user and the page's
        data, or ``None`` (no such account, or it is disabled).
    :return: the page's data; ``None`` without a session or a user. ``current_user`` then tells
        whether someone is signed in (a revoked session is not).
    """
    user_id = session_user_id()
    found = load(user_id) if user_id is not None else None
    if found is None:
        return None
    user, data = found
    preload_signed_in_user(user)
    return data


def session_user_id() -> int | None:
    """Return the id of the user signed in by this request's session, without loading them."""
    parsed = parse_session_token(session.get("_user_id"))
    return parsed[0] if parsed else None
