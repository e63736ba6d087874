"""Queue emails and send them: none lost, none sent twice except in a window made as small as SMTP allows.

A message is queued in the transaction of what caused it, so it exists exactly when its cause
does. Sending one message takes three steps, and no transaction stays open while the SMTP server
talks (on SQLite the write lock would keep every learner waiting, then failing):

1. the claim, one short transaction: a conditional update marks the message 'sending' and counts
   the attempt (of two senders, only one update matches), consent is checked again, commit;
2. the SMTP exchange, outside any transaction;
3. the outcome, another short transaction, recorded only on this sender's own attempt: 'sent';
   back to 'queued' when the server certainly did not take it (refused connection or command),
   retried by the next run; 'uncertain' when it may have (timeout or lost connection after the
   content left).

A message left 'sending' (its sender was killed) or 'uncertain' goes again only once its attempt
is older than ``OUTBOX_UNCERTAIN_RETRY_SECONDS``, always with the same Message-ID, so that the
receiving side can drop a copy. Exactly once is impossible over SMTP: what holds is at most one
delivery per retry delay, and, as long as the server answers within ``MAIL_TIMEOUT``, exactly one.
"""

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.clock import now_utc
from app.extensions import db
from app.outbox.models import MessageStatus
from app.outbox.models import OutboxMessage
from app.outbox.transports import DeliveryUncertain
from app.outbox.transports import Transport

log = logging.getLogger(__name__)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


#: The columns a queued message needs, besides those with defaults.
MESSAGE_FIELDS = ("dedupe_key", "to_address", "subject", "body", "recipient_id", "sender_id", "cohort_id", "alert_id")
#: The fields that become email headers: one line each, or the message could never be sent.
HEADER_FIELDS = ("to_address", "subject")
#: Unicode categories of control characters and of line and paragraph separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


class MessageRefused(ValueError):
    """A message that could never be sent (a header on several lines): nothing was queued."""


def has_control_character(text: str) -> bool:
    """Tell whether ``text`` holds a line break or another control character (never in a header)."""
    return any(unicodedata.category(ch) in _CONTROL_CATEGORIES for ch in text)


def one_line(text: str) -> str:
    """Return ``text`` with each line break or other control character replaced by a space."""
    return "".join(" " if unicodedata.category(ch) in _CONTROL_CATEGORIES else ch for ch in text)


def queue_messages(messages: list[dict]) -> int:
    """Queue emails, skipping any whose ``dedupe_key`` is queued already; flushes, the caller commits.

    :param messages: dicts with the keys of :data:`MESSAGE_FIELDS` (the links may be ``None``).
    :return: how many were queued.
    :raise MessageRefused: if a header field holds a line break (nothing is queued then): the SMTP
        library would refuse it at every sending attempt, forever.
    """
    if not messages:
        return 0
    refused = [m.get("dedupe_key") for m in messages if any(m.get(key) and has_control_character(m[key]) for key in HEADER_FIELDS)]
    if refused:
        raise MessageRefused(_("Objet ou adresse sur plusieurs lignes : aucun message mis en file (%(keys)s).", keys=", ".join(map(str, refused[:5]))))
    # Status, attempts and creation time come from the columns' defaults.
    rows = [{key: m.get(key) for key in MESSAGE_FIELDS} for m in messages]
    table = OutboxMessage.__table__
    insert = _INSERTS[db.session.get_bind().dialect.name]
    # One statement for every row (compiled once, sent as multi-row inserts); RETURNING says
    # which rows were new, since rowcount is not portable for an upsert.
    statement = insert(table).on_conflict_do_nothing(index_elements=[table.c.dedupe_key]).returning(table.c.id)
    return len(db.session.execute(statement, rows).all())


#: At most this many messages in one run of the sender (``flask outbox send --limit``).
SEND_LIMIT = 500


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    #: The server may have the message: it goes again only after the retry delay.
    uncertain: int = 0


def _due(now: datetime):
    """Messages to send: queued ones, and those whose last attempt is uncertain and old enough."""
    retry_before = now - timedelta(seconds=current_app.config["OUTBOX_UNCERTAIN_RETRY_SECONDS"])
    uncertain = OutboxMessage.status.in_([MessageStatus.SENDING.value, MessageStatus.UNCERTAIN.value])
    return or_(OutboxMessage.status == MessageStatus.QUEUED.value, and_(uncertain, OutboxMessage.claimed_dt <= retry_before))


def _claim(message_id: int, now: datetime) -> int | None:
    """Start an attempt on the message, in this sender's transaction; return its number, or ``None``.

    The update's condition decides: of two senders, the second finds the message no longer due.
    """
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(status=MessageStatus.SENDING.value, claimed_dt=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.attempts)
    ).first()
    return None if claimed is None else claimed.attempts


def _record(message_id: int, attempt: int, status: MessageStatus, error: str | None = None, sent_dt: datetime | None = None) -> bool:
    """Record the outcome of this sender's attempt, if the message is still on it; commits."""
    recorded = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempt, OutboxMessage.status == MessageStatus.SENDING.value)
        .values(status=status.value, last_error=error[:1000] if error else None, sent_dt=sent_dt)
    )
    db.session.commit()
    return recorded.rowcount == 1


@dataclass
class _Claim:
    """A message taken by this sender: detached, with the number of this attempt."""

    message: OutboxMessage
    attempt: int
    #: The learner withdrew consent: the message was cancelled instead.
    cancelled: bool = False


def _take(message_id: int, may_reach: Callable[[int], bool]) -> _Claim | None:
    """Claim a message and check consent in one short transaction; ``None`` if another sender has it."""
    attempt = _claim(message_id, now_utc())
    if attempt is None:
        db.session.rollback()
        return None
    message = db.session.get(OutboxMessage, message_id)  # the commits before expired any copy in the session
    db.session.expunge(message)  # keeps its loaded values: sending reads nothing from the database
    if message.recipient_id is not None and not may_reach(message.recipient_id):
        _record(message_id, attempt, MessageStatus.CANCELLED, "consentement retiré avant l'envoi")
        return _Claim(message, attempt, cancelled=True)
    db.session.commit()
    return _Claim(message, attempt)


def send_pending(transport: Transport, may_reach: Callable[[int], bool], limit: int = SEND_LIMIT) -> SendReport:
    """Send due messages in order, each in its own claim and outcome transactions.

    :param may_reach: tells whether a learner still agrees to be contacted; checked at the last
        moment, so a consent withdrawn after queueing stops the message.
    :param limit: at most this many messages in one run.
    """
    report = SendReport()
    ids = db.session.scalars(select(OutboxMessage.id).where(_due(now_utc())).order_by(OutboxMessage.id).limit(limit)).all()
    db.session.commit()  # end the read transaction: each message gets its own
    for message_id in ids:
        taken = _take(message_id, may_reach)
        if taken is None:
            continue  # another sender has it
        if taken.cancelled:
            report.cancelled += 1
            continue
        message, attempt = taken.message, taken.attempt
        try:
            transport.send(message)  # no transaction is open here
        except DeliveryUncertain as exc:
            _record(message_id, attempt, MessageStatus.UNCERTAIN, str(exc))
            report.uncertain += 1
            log.warning("outbox message %s may have been sent, not retried before the delay: %s", message_id, exc)
            continue
        except Exception as exc:  # any other transport failure: the server does not have it
            _record(message_id, attempt, MessageStatus.QUEUED, f"{type(exc).__name__}: {exc}")
            report.failed += 1
            log.warning("outbox message %s not sent: %s", message_id, exc)
            continue
        if not _record(message_id, attempt, MessageStatus.SENT, sent_dt=now_utc()):
            log.warning("outbox message %s sent after its attempt was taken over", message_id)
        report.sent += 1
    return report
