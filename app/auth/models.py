"""User accounts and their roles."""

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.auth import hashing
from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Role(enum.IntFlag):
    """What a person may do; one person may hold several roles."""

    LEARNER = 1
    TUTOR = 2
    AUTHOR = 4
    ADMIN = 8

    @classmethod
    def parse(cls, names: list[str]) -> "Role":
        """Combine role names such as ``["learner", "tutor"]``; raise ``KeyError`` on an unknown name."""
        roles = cls(0)
        for name in names:
            roles |= cls[name.strip().upper()]
        return roles

    @property
    def names(self) -> list[str]:
        """Return the lower-case names of the roles in this set, in a stable order."""
        return [role.name.lower() for role in Role if role in self]

    @property
    def labels(self) -> list[str]:
        """Return the translated names of the roles in this set."""
        return [str(ROLE_LABELS[role]) for role in Role if role in self]


ROLE_LABELS = {
    Role.LEARNER: _l("apprenant"),
    Role.TUTOR: _l("tuteur"),
    Role.AUTHOR: _l("auteur"),
    Role.ADMIN: _l("administrateur"),
}


class UserRef(Protocol):
    """Anything that names an account: the ORM :class:`User` or the request's :class:`SignedInUser`."""

    id: int


class RoleHolder:
    """Role checks shared by the account row and the signed-in user."""

    roles: int

    @property
    def role_set(self) -> Role:
        """Return the roles as a :class:`Role` flag."""
        return Role(self.roles)

    def has_role(self, role: Role) -> bool:
        """Tell whether the user holds ``role``."""
        return bool(self.roles & role)


def session_token(user_id: int, version: int) -> str:
    """Return what the session (and a remember cookie) keeps to name the signed-in account.

    The cookie is signed, so the account's current session version in it cannot be forged; a
    cookie holding an older version names no one.
    """
    return f"{user_id}.{version}"


def parse_session_token(token: str | None) -> tuple[int, int] | None:
    """Return the account id and session version named by a session token, or ``None``."""
    user_id, dot, version = (token or "").partition(".")
    if not (dot and user_id.isdigit() and version.isdigit()):
        return None
    return int(user_id), int(version)


@dataclass(frozen=True)
class SignedInUser(RoleHolder):
    """The person making the request, loaded with one light query (not attached to the ORM session).

    Code that needs the account row itself loads :class:`User` by ``id``.
    """

    id: int
    email: str
    display_name: str
    roles: int
    is_active: bool
    session_version: int
    #: Two-factor sign-in is on for the account.
    has_two_factor: bool = False

    #: What Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the identifier Flask-Login keeps in the session (see :func:`session_token`)."""
        return session_token(self.id, self.session_version)


class User(RoleHolder, UserMixin, db.Model):
    """A person who signs in: learner, tutor, author, admin or several of these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in identifier, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Name shown to tutors and in the page header; the person may change it (profile page).
    display_name: Mapped[str] = mapped_column(String(120))
    #: Given and family names, as the organisation knows them (admin pages, CSV import, identity provider).
    first_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    last_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    #: Argon2id password hash (``app/auth/hashing.py``; Werkzeug's scrypt or PBKDF2 for accounts not
    #: signed in since, upgraded at their next sign-in); a value without ``$`` matches no password
    #: (an invited person who has not chosen one yet, an anonymised account).
    password_hash: Mapped[str] = mapped_column(String(256))
    #: Bit set of :class:`Role` values; kept in the user row so one query loads a user with roles.
    roles: Mapped[int] = mapped_column(default=int(Role.LEARNER))
    #: Disabled accounts cannot sign in.
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when an admin erased the person's identity (learning events are kept without it).
    anonymised_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Language chosen by the person (the footer switch or "Paramètres"): that of the interface
    #: after each sign-in and of every email sent to them; ``None`` means the platform's default.
    locale: Mapped[str | None] = mapped_column(String(10))

    #: Two-factor sign-in (``app/accounts/two_factor.py``): the authenticator app's shared secret
    #: (base32), when it was turned on, and the last time step used (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    #: The identity provider's name for the person (``issuer|sub``), once they signed in through it.
    sso_subject: Mapped[str | None] = mapped_column(String(400), unique=True)

    #: Part of every session's identifier; raising it ends every session of the account
    #: (sign-out, password change, deactivation: see ``revoke_sessions``).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def full_name(self) -> str:
        """Return the given and family names, or the display name when the organisation gave none."""
        return full_name_of(self.first_name, self.last_name) or self.display_name

    def get_id(self) -> str:
        """Return the identifier Flask-Login keeps in the session (see :func:`session_token`)."""
        return session_token(self.id, self.session_version or 0)

    def set_password(self, password: str, parameters: dict) -> None:
        """Store a salted Argon2id hash of ``password`` made with ``parameters`` (``PASSWORD_HASH_PARAMETERS``)."""
        self.password_hash = hashing.hash_password(password, parameters)

    def check_password(self, password: str) -> bool:
        """Tell whether ``password`` matches the stored hash."""
        return hashing.verify_password(self.password_hash, password)

    @property
    def has_password_hash(self) -> bool:
        """Tell whether a password can match (an anonymised account keeps no hash)."""
        return "$" in (self.password_hash or "")


def full_name_of(first_name: str, last_name: str) -> str:
    """Return « first last », trimmed ("" when both are empty): the name an account is shown by."""
    return f"{first_name.strip()} {last_name.strip()}".strip()


def holds_role(role: Role, table=None):
    """SQL condition: the account (of ``table``, an alias of :class:`User`, or ``User``) holds ``role``."""
    return (User if table is None else table).roles.op("&")(int(role)) != 0


#: Stored as the hash of an account without a password yet: it matches nothing.
NO_PASSWORD = "!"


class LoginAttempt(db.Model):
    """A sign-in attempt being checked or that failed, counted by the sign-in limit (``throttle``).

    In the database rather than in each process, so the limit holds across gunicorn workers and
    instances; a successful sign-in deletes its row, so only failures are counted.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The client's address (as seen through the trusted proxies).
    address: Mapped[str] = mapped_column(String(64))
    #: The address typed, normalised (the account need not exist).
    email: Mapped[str] = mapped_column(String(254))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (
        Index("ix_login_attempt_address_time", "address", "created_dt"),
        Index("ix_login_attempt_email_time", "email", "created_dt"),
    )


class RecoveryCode(db.Model):
    """A one-time code that replaces the authenticator app once (a lost phone); only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: SHA-256 of the code, hexadecimal.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
