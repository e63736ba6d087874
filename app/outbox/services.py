"""Queue emails and send them, each at most once, none lost.

A message is queued in the transaction of what caused it, so it exists exactly when its cause
does. The sender claims a message with a conditional update *inside* the transaction that marks
it sent: a crash before that commit rolls the claim back and leaves the message queued; a second
sender waits on the row (PostgreSQL) or on the write lock (SQLite), then finds it sent. The only
window for a duplicate is a crash after the SMTP server accepted the message and before the
commit; the message keeps the same Message-ID, so the receiving side can tell.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.clock import now_utc
from app.extensions import db
from app.outbox.models import MessageStatus
from app.outbox.models import OutboxMessage
from app.outbox.transports import Transport

log = logging.getLogger(__name__)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


#: The columns a queued message needs, besides those with defaults.
MESSAGE_FIELDS = ("dedupe_key", "to_address", "subject", "body", "recipient_id", "sender_id", "cohort_id", "alert_id")


def queue_messages(messages: list[dict]) -> int:
    """Queue emails, skipping any whose ``dedupe_key`` is queued already; flushes, the caller commits.

    :param messages: dicts with the keys of :data:`MESSAGE_FIELDS` (the links may be ``None``).
    :return: how many were queued.
    """
    if not messages:
        return 0
    now = now_utc()
    rows = [{**{key: m.get(key) for key in MESSAGE_FIELDS}, "status": MessageStatus.QUEUED.value, "created_dt": now, "attempts": 0} for m in messages]
    table = OutboxMessage.__table__
    insert = _INSERTS[db.session.get_bind().dialect.name]
    # One statement for every row (compiled once, sent as multi-row inserts); RETURNING says
    # which rows were new, since rowcount is not portable for an upsert.
    statement = insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)
    return len(db.session.execute(statement, rows).all())


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    cancelled: int = 0
    failed: int = 0


def _claim(message_id: int) -> bool:
    """Take the message for this transaction; false if another sender already sent it."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.QUEUED.value)
        .values(status=MessageStatus.SENDING.value, claimed_dt=now_utc(), attempts=OutboxMessage.attempts + 1)
    )
    return claimed.rowcount == 1


def send_pending(transport: Transport, may_reach: Callable[[int], bool], limit: int = 500) -> SendReport:
    """Send queued messages in order, committing after each one.

    :param may_reach: tells whether a learner still agrees to be contacted; checked at the last
        moment, so a consent withdrawn after queueing stops the message.
    :param limit: at most this many messages in one run.
    """
    report = SendReport()
    ids = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == MessageStatus.QUEUED.value).order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.commit()  # end the read transaction: each message gets its own
    for message_id in ids:
        if not _claim(message_id):
            db.session.rollback()
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message.recipient_id is not None and not may_reach(message.recipient_id):
            message.status = MessageStatus.CANCELLED.value
            message.last_error = "consentement retiré avant l'envoi"
            db.session.commit()
            report.cancelled += 1
            continue
        try:
            transport.send(message)
        except Exception as exc:  # any transport failure: the message stays queued for the next run
            db.session.rollback()
            _record_failure(message_id, exc)
            report.failed += 1
            log.warning("outbox message %s not sent: %s", message_id, exc)
            continue
        message.status = MessageStatus.SENT.value
        message.sent_dt = now_utc()
        message.last_error = None
        db.session.commit()
        report.sent += 1
    return report


def _record_failure(message_id: int, exc: Exception) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.QUEUED.value)
        .values(attempts=OutboxMessage.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000])
    )
    db.session.commit()
