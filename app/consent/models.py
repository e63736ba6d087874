"""The history of a learner's consent to be contacted."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class ContactConsent(db.Model):
    """One change of a learner's consent; the latest row is the current state (none means no)."""

    __table_args__ = (Index("ix_contact_consent_user_time", "user_id", "changed_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: True when the learner agreed to be contacted, False when they withdrew.
    is_given: Mapped[bool]
    changed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
