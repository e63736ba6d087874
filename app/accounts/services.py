"""Account management for admins, and what a person does with the links they receive.

They flush; the caller commits. The rule that an organisation always keeps an active admin is
decided by the statement that writes: the update carries the condition, and on PostgreSQL the
active admins' rows are locked first, so two admins demoting each other at once cannot both win.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import aliased

from app.accounts.emails import Addressee
from app.accounts.emails import send_links
from app.accounts.models import TokenPurpose
from app.accounts.tokens import redeem_token
from app.accounts.tokens import revoke_tokens_of
from app.auth.models import Role
from app.auth.models import User
from app.auth.models import full_name_of
from app.auth.models import holds_role
from app.auth.services import AccountError
from app.auth.services import create_user
from app.auth.services import find_user_by_email
from app.auth.services import looks_like_email
from app.auth.services import normalise_email
from app.auth.services import revoke_sessions
from app.auth.services import set_new_password
from app.clock import now_utc
from app.extensions import db


@dataclass(frozen=True)
class Identity:
    """What an admin (or a file) says of a person."""

    email: str
    first_name: str
    last_name: str
    roles: Role
    locale: str | None = None

    @property
    def display_name(self) -> str:
        return full_name_of(self.first_name, self.last_name) or self.email.strip()


def addressee(user: User) -> Addressee:
    """Return whom a link for ``user`` is written to."""
    return Addressee(user.id, user.email, user.first_name or user.display_name)


def create_account(identity: Identity, *, invite: bool = True) -> User:
    """Create an account without a password; with ``invite``, queue the email that lets the person choose one.

    :raise AccountError: if the address is taken.
    """
    if not looks_like_email(normalise_email(identity.email)):
        raise AccountError(_("Adresse e-mail invalide : %(email)s", email=identity.email.strip()))
    user = create_user(
        identity.email, identity.display_name, None, identity.roles, first_name=identity.first_name, last_name=identity.last_name, locale=identity.locale
    )
    if invite:
        send_links([addressee(user)], TokenPurpose.INVITATION)
    return user


def _another_active_admin(user_id: int):
    """SQL condition: an active admin other than ``user_id`` exists."""
    other = aliased(User)
    return exists().where(other.id != user_id, other.is_active.is_(True), holds_role(Role.ADMIN, other))


def _lock_active_admins() -> None:
    """Lock the active admins' rows until commit (PostgreSQL; SQLite writes one at a time anyway)."""
    db.session.execute(select(User.id).where(User.is_active.is_(True), holds_role(Role.ADMIN)).order_by(User.id).with_for_update())


def _update_unless_last_admin(user_id: int, **values) -> bool:
    """Apply a change that takes the account out of the active admins, unless it is the last one.

    :return: whether it was applied.
    """
    _lock_active_admins()
    keeps = or_(User.is_active.is_(False), ~holds_role(Role.ADMIN), _another_active_admin(user_id))
    return db.session.execute(update(User).where(User.id == user_id, keeps).values(**values)).rowcount == 1


def _last_admin() -> AccountError:
    return AccountError(_("Il faut au moins un administrateur actif : nommez-en un autre d'abord."))


def update_account(user_id: int, first_name: str, last_name: str, roles: Role, locale: str | None) -> None:
    """Change an account's names, roles and language (the display name follows the names).

    :raise AccountError: if it would leave the platform without an active admin.
    """
    display_name = full_name_of(first_name, last_name)
    values = {"first_name": first_name.strip(), "last_name": last_name.strip(), "roles": int(roles), "locale": locale}
    if display_name:
        values["display_name"] = display_name
    if Role.ADMIN in roles:
        db.session.execute(update(User).where(User.id == user_id).values(**values))
    elif not _update_unless_last_admin(user_id, **values):
        raise _last_admin()
    current_app.logger.info("account %s now has roles %s", user_id, roles.names)


def set_account_active(user_id: int, active: bool) -> None:
    """Deactivate an account (it cannot sign in, every session ends, its work is kept) or reactivate it.

    :raise AccountError: if deactivating it would leave the platform without an active admin.
    """
    if active:
        db.session.execute(update(User).where(User.id == user_id).values(is_active=True))
    else:
        if not _update_unless_last_admin(user_id, is_active=False):
            raise _last_admin()
        revoke_sessions(user_id)
        now = now_utc()
        for purpose in TokenPurpose:
            revoke_tokens_of([user_id], purpose, now)
    current_app.logger.info("account %s %s", user_id, "reactivated" if active else "deactivated")


def resend_invitation(user_id: int) -> None:
    """Send a new invitation link (the earlier one stops working).

    :raise AccountError: if the person already chose a password or signed in.
    """
    user = db.session.get(User, user_id)
    if user is None or user.has_password_hash or user.last_login_dt is not None or user.anonymised_dt is not None:
        raise AccountError(_("Ce compte a déjà été activé : il n'y a plus d'invitation à envoyer."))
    if not user.is_active:
        raise AccountError(_("Ce compte est désactivé : réactivez-le avant de renvoyer l'invitation."))
    send_links([addressee(user)], TokenPurpose.INVITATION)


def request_password_reset(email: str) -> None:
    """Queue a reset link for the active account signed in with ``email``; nothing for any other address.

    The caller answers the same in both cases, so the page tells no one who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.anonymised_dt is not None:
        return
    send_links([addressee(user)], TokenPurpose.RESET)


def choose_password(token: str, purpose: TokenPurpose, new_password: str) -> int | None:
    """Use a link to set the account's password; every session of the account ends.

    :return: the account's id, or ``None`` if the link is unknown, used or expired.
    :raise AccountError: if the password breaks the rule; the caller rolls back, so the link stays usable.
    """
    user_id = redeem_token(token, purpose)
    if user_id is None:
        return None
    set_new_password(user_id, new_password)
    now = now_utc()
    for other in TokenPurpose:  # a password chosen: no other link may choose another
        revoke_tokens_of([user_id], other, now)
    return user_id


def update_profile(user_id: int, display_name: str, locale: str) -> None:
    """Change the name the person is shown by, and their language."""
    db.session.execute(update(User).where(User.id == user_id).values(display_name=display_name.strip(), locale=locale))
