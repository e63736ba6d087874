"""The outbox: every email the platform sends is first a row here, committed with its cause."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class MessageStatus(enum.StrEnum):
    """Where a message is on its way out."""

    QUEUED = "queued"
    #: Claimed by one sender, attempt committed before the SMTP exchange. Left so by a sender
    #: that was killed: the message may have left, so it goes again only once the attempt is
    #: older than ``OUTBOX_UNCERTAIN_RETRY_SECONDS``.
    SENDING = "sending"
    #: The exchange failed after the content left (timeout, lost connection): the server may have
    #: it. Goes again, with the same Message-ID, once the attempt is older than the retry delay.
    UNCERTAIN = "uncertain"
    SENT = "sent"
    #: Not sent: the learner withdrew consent before it left, or the address is gone.
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):
    """One email waiting to leave, being sent, or sent."""

    __table_args__ = (Index("ix_outbox_message_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Names the cause (an alert, a tutor's form): queueing the same cause twice queues nothing.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    #: The learner it is for: consent is checked again just before sending.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.QUEUED.value)
    #: Who asked for it: a tutor, or nobody for automatic reminders.
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: When the last attempt started (committed before talking to the SMTP server).
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Attempts started; also fences the outcome: a sender records it only on its own attempt.
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
