"""Single-use links sent by email: invitations to choose a password, password resets."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class TokenPurpose(enum.StrEnum):
    """What a link lets its holder do, once."""

    #: Choose the first password of an account an admin created.
    INVITATION = "invitation"
    #: Choose a new password after « Mot de passe oublié ? ».
    RESET = "reset"


class AccountToken(db.Model):
    """A link sent to a person: only a hash of its secret is kept, so a copy of the database opens nothing."""

    __table_args__ = (Index("ix_account_token_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the secret in the link, hexadecimal.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the link was used, or replaced by a newer one: it opens nothing any more.
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

