"""One run of the sender over many messages: each message on its own, counted and dated exactly."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import MessageRefused
from app.outbox.services import SendReport
from app.outbox.services import has_control_character
from app.outbox.services import one_line
from app.outbox.services import queue_messages
from app.outbox.services import send_pending
from app.outbox.transports import configured_transport

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def now(app):
    """The app's clock, fixed; a test moves it by assigning ``now.value``."""

    class Fixed:
        value = NOW

    app.config["CLOCK"] = lambda: Fixed.value
    return Fixed


def _message(i: int, **fields) -> dict:
    return {"dedupe_key": f"batch:{i}", "to_address": f"learner{i}@example.org", "subject": f"Relance {i}", "body": "Bonjour,\nReprenez.", **fields}


def _queued(app, messages: list[dict]) -> int:
    with app.app_context():
        count = queue_messages(messages)
        db.session.commit()
        return count


def _send(app, may_reach=lambda user_id: True, limit: int = 500) -> SendReport:
    with app.app_context():
        return send_pending(configured_transport(), may_reach, limit=limit)


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _at(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value is not None else None


def test_queueing_counts_only_the_messages_not_queued_yet(app, now):
    assert _queued(app, []) == 0
    assert _queued(app, [_message(0), _message(1)]) == 2
    assert _queued(app, [_message(1), _message(2), _message(0)]) == 1
    rows = _rows(app)
    assert [(r.dedupe_key, r.status, r.attempts, _at(r.created_dt)) for r in rows] == [
        (f"batch:{i}", "queued", 0, _at(NOW)) for i in range(3)
    ]


@pytest.mark.parametrize(("field", "value"), [
    ("subject", "Relance\nBcc: tous@example.org"),
    ("subject", "Relance\r"),
    ("to_address", "learner@example.org\u2028x@example.org"),
])
def test_a_header_on_several_lines_queues_nothing_of_the_batch(app, now, field, value):
    with app.app_context(), pytest.raises(MessageRefused) as refused:
        queue_messages([_message(0), _message(1, **{field: value})])
    assert str(refused.value) == "Objet ou adresse sur plusieurs lignes : aucun message mis en file (batch:1)."
    assert _rows(app) == []


def test_a_refusal_names_the_first_five_messages_refused():
    with pytest.raises(MessageRefused) as refused:
        queue_messages([_message(i, subject="a\nb") for i in range(7)] + [_message(9, to_address=None)])
    assert str(refused.value).endswith("(batch:0, batch:1, batch:2, batch:3, batch:4).")


def test_a_body_keeps_its_line_breaks():
    assert has_control_character("a\tb") and has_control_character("a\u2029b")
    assert not has_control_character("Relance : reprenez le cours à 9 h")
    assert one_line("a\r\nb\u2028c\u2029d") == "a  b c d"


def test_a_refused_recipient_fails_alone_and_the_others_are_sent(app, now, smtp_server):
    _queued(app, [_message(i) for i in range(3)])
    smtp_server.refused = {"learner1@example.org"}
    report = _send(app)
    assert (report.sent, report.failed, report.cancelled, report.uncertain) == (2, 1, 0, 0)
    assert sorted(recipients[0] for recipients, _ in smtp_server.messages) == ["learner0@example.org", "learner2@example.org"]
    rows = _rows(app)
    assert [(r.status, r.attempts, _at(r.sent_dt)) for r in rows] == [("sent", 1, _at(NOW)), ("queued", 1, None), ("sent", 1, _at(NOW))]
    assert [r.last_error for r in rows[::2]] == [None, None]
    assert rows[1].last_error.startswith("SMTPRecipientsRefused: ") and "learner1@example.org" in rows[1].last_error
    assert all(_at(r.claimed_dt) == _at(NOW) for r in rows)
    smtp_server.refused = set()
    assert _send(app).sent == 1
    assert [(r.status, r.attempts) for r in _rows(app)] == [("sent", 1), ("sent", 2), ("sent", 1)]


def test_a_long_error_is_kept_cut_to_1000_characters(app, now, smtp_server):
    _queued(app, [_message(0)])
    smtp_server.reply = "\r\n".join(["554-" + "x" * 100] * 12 + ["554 5.7.1 refusé"])
    assert _send(app).failed == 1
    (row,) = _rows(app)
    assert row.last_error.startswith("SMTPDataError: ") and len(row.last_error) == 1000


def test_a_run_sends_at_most_its_limit_in_queue_order(app, now, smtp_server):
    _queued(app, [_message(i) for i in range(3)])
    assert _send(app, limit=2).sent == 2
    assert [(r.status, r.attempts) for r in _rows(app)] == [("sent", 1), ("sent", 1), ("queued", 0)]


def test_only_a_learner_who_withdrew_consent_is_skipped(app, now, smtp_server, create_user):
    learner = create_user()
    _queued(app, [_message(0, recipient_id=learner.id), _message(1)])
    asked = []

    def may_reach(user_id):
        asked.append(user_id)
        return False

    report = _send(app, may_reach)
    assert (report.sent, report.cancelled, report.failed) == (1, 1, 0)
    assert asked == [learner.id]  # a message to nobody in particular needs no consent
    rows = _rows(app)
    assert [(r.status, r.attempts, r.last_error) for r in rows] == [
        ("cancelled", 1, "consentement retiré avant l'envoi"), ("sent", 1, None),
    ]
    assert [recipients for recipients, _ in smtp_server.messages] == [["learner1@example.org"]]


@pytest.mark.parametrize("status", ["sending", "uncertain"])
def test_an_unfinished_attempt_goes_again_from_the_retry_delay_exactly(app, now, smtp_server, status):
    _queued(app, [_message(0)])
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(status=status, attempts=1, claimed_dt=NOW))
        db.session.commit()
    delay = timedelta(seconds=app.config["OUTBOX_UNCERTAIN_RETRY_SECONDS"])
    now.value = NOW + delay - timedelta(seconds=1)
    assert _send(app).sent == 0 and smtp_server.messages == []
    now.value = NOW + delay
    assert _send(app).sent == 1
    assert [(r.status, r.attempts, _at(r.sent_dt)) for r in _rows(app)] == [("sent", 2, _at(NOW + delay))]


@pytest.mark.parametrize("status", ["sent", "cancelled"])
def test_a_finished_message_never_goes_again(app, now, smtp_server, status):
    _queued(app, [_message(0)])
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(status=status, attempts=1, claimed_dt=NOW - timedelta(days=30)))
        db.session.commit()
    assert _send(app) == SendReport()
    assert smtp_server.messages == []


def test_a_learner_who_agreed_gets_the_message_checked_against_their_own_consent(app, now, smtp_server, create_user):
    from app.auth.models import User
    from app.consent.services import is_contactable
    from app.consent.services import set_contact_consent

    refused, agreed = create_user(email="refuse@example.org"), create_user(email="accepte@example.org")
    with app.app_context():
        set_contact_consent(db.session.get(User, agreed.id), True)
        set_contact_consent(db.session.get(User, refused.id), False)
        db.session.commit()
    # Message ids and learner ids differ, so a check made on the wrong id would be noticed.
    _queued(app, [_message(0), _message(1, recipient_id=agreed.id), _message(2, recipient_id=refused.id)])
    report = _send(app, is_contactable)
    assert (report.sent, report.cancelled) == (2, 1)
    assert [(r.recipient_id, r.status) for r in _rows(app)] == [(None, "sent"), (agreed.id, "sent"), (refused.id, "cancelled")]


def test_a_message_another_sender_took_is_left_to_it_and_the_run_goes_on(app, now, smtp_server):
    from sqlalchemy import event

    _queued(app, [_message(0), _message(1)])
    with app.app_context():
        engine = db.engine
        first_id = _rows(app)[0].id
    taken = []

    def other_sender_first(conn, cursor, statement, parameters, context, executemany):
        if not taken and statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGE"):
            taken.append(True)
            with engine.connect() as other:  # another sender's own transaction, committed first
                other.execute(update(OutboxMessage).where(OutboxMessage.id == first_id).values(status="sending", attempts=1, claimed_dt=NOW))
                other.commit()

    event.listen(engine, "before_cursor_execute", other_sender_first)
    try:
        report = _send(app)
    finally:
        event.remove(engine, "before_cursor_execute", other_sender_first)
    assert taken and (report.sent, report.failed, report.cancelled) == (1, 0, 0)
    assert [(r.status, r.attempts) for r in _rows(app)] == [("sending", 1), ("sent", 1)]
    assert [recipients for recipients, _ in smtp_server.messages] == [["learner1@example.org"]]


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "app.outbox.services" and r.levelname == "WARNING"]


def test_every_failure_and_cancellation_is_counted_and_each_failure_logged(app, now, smtp_server, caplog):
    _queued(app, [_message(i, recipient_id=None) for i in range(4)])
    smtp_server.refused = {"learner0@example.org", "learner2@example.org"}
    report = _send(app)
    assert (report.sent, report.failed) == (2, 2)
    ids = [r.id for r in _rows(app)]
    warnings = _warnings(caplog)
    assert [w.split(":", 1)[0] for w in warnings] == [f"outbox message {ids[0]} not sent", f"outbox message {ids[2]} not sent"]
    assert all("SMTPRecipientsRefused" in w or "learner" in w for w in warnings)


def test_two_withdrawn_consents_cancel_two_messages(app, now, smtp_server, create_user):
    first, second = create_user(email="un@example.org"), create_user(email="deux@example.org")
    _queued(app, [_message(0, recipient_id=first.id), _message(1, recipient_id=second.id)])
    assert _send(app, lambda user_id: False) == SendReport(cancelled=2)


def test_every_uncertain_delivery_is_counted_and_logged(app, now, smtp_server, caplog):
    _queued(app, [_message(0), _message(1)])
    app.config["MAIL_TIMEOUT"] = 0.5
    smtp_server.delay = 1.0  # keeps each message, answers after the client gave up
    report = _send(app)
    assert (report.uncertain, report.sent, report.failed) == (2, 0, 0)
    ids = [r.id for r in _rows(app)]
    warnings = _warnings(caplog)
    assert [w.split(":", 1)[0] for w in warnings] == [f"outbox message {i} may have been sent, not retried before the delay" for i in ids]
    assert all("timed out" in w for w in warnings)


def test_recording_an_outcome_touches_only_that_message(app, now, smtp_server):
    _queued(app, [_message(0), _message(1)])
    with app.app_context():  # the first is being sent by a sender still within its attempt
        db.session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == "batch:0").values(status="sending", attempts=1, claimed_dt=NOW))
        db.session.commit()
    assert _send(app).sent == 1
    assert [(r.status, r.attempts, r.sent_dt) for r in _rows(app)][0] == ("sending", 1, None)


def test_an_outcome_is_not_recorded_over_an_attempt_that_took_the_message_over(app, now, smtp_server, caplog):
    import threading

    _queued(app, [_message(0)])
    smtp_server.gate = threading.Event()
    reports = []
    sender = threading.Thread(target=lambda: reports.append(_send(app)))
    sender.start()
    try:
        assert smtp_server.received.wait(timeout=10), "the sender never reached the server"
        with app.app_context():  # after the retry delay another sender took it: attempt 2
            db.session.execute(update(OutboxMessage).values(attempts=2, claimed_dt=NOW))
            db.session.commit()
    finally:
        smtp_server.gate.set()
        sender.join(timeout=30)
    assert reports[0].sent == 1
    (row,) = _rows(app)
    assert (row.status, row.attempts, row.sent_dt) == ("sending", 2, None)  # attempt 2 records its own outcome
    assert _warnings(caplog) == [f"outbox message {row.id} sent after its attempt was taken over"]


def test_the_oldest_due_message_goes_first_whatever_its_status(app, now, smtp_server):
    _queued(app, [_message(0), _message(1)])
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == "batch:0").values(status="uncertain", attempts=1, claimed_dt=NOW - timedelta(days=2)))
        db.session.commit()
    assert _send(app, limit=1).sent == 1
    assert [(r.dedupe_key, r.status) for r in _rows(app)] == [("batch:0", "sent"), ("batch:1", "queued")]
