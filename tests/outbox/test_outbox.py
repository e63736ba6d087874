"""Reminders really leave: queued in the outbox, sent over SMTP once, never lost."""

import signal
import socket
import threading
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email import message_from_string

from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Reading
from app.consent.services import set_contact_consent
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import queue_messages
from app.progress.services import complete_reading
from tests import process_runner
from tests.smtp import free_port


def _queue(app, n=1, recipient_id=None):
    with app.app_context():
        queue_messages([
            {"dedupe_key": f"test:{i}", "to_address": f"learner{i}@example.org", "subject": f"Relance {i}", "body": "Bonjour,\n\nReprenez le cours.", "recipient_id": recipient_id}
            for i in range(n)
        ])
        db.session.commit()


def _statuses(app):
    with app.app_context():
        return [(m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_queued_message_arrives_once(app, runner, smtp_server):
    _queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Envoyés : 1" in result.output
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Envoyés : 0")
    ((recipients, email),) = smtp_server.messages
    assert recipients == ["learner0@example.org"]
    assert email["Subject"] == "Relance 0" and email["To"] == "learner0@example.org"
    assert email.get_content().startswith("Bonjour,")
    assert email["Message-ID"].startswith("<outbox-1-")
    assert _statuses(app) == [("sent", 1)]


def test_queueing_the_same_cause_twice_queues_once(app):
    _queue(app)
    _queue(app)
    assert len(_statuses(app)) == 1


def test_an_unreachable_server_leaves_the_message_queued(app, runner, smtp_server):
    _queue(app)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "en échec (restent en file) : 1" in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert (message.status, message.attempts) == ("queued", 1) and "ConnectionRefusedError" in message.last_error
    app.config["MAIL_PORT"] = smtp_server.port
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert len(smtp_server.messages) == 1 and _statuses(app) == [("sent", 2)]


def test_consent_withdrawn_after_queueing_stops_the_message(app, runner, smtp_server, create_user):
    ref = create_user()
    with app.app_context():
        set_contact_consent(db.session.get(User, ref.id), True)
        db.session.commit()
    _queue(app, recipient_id=ref.id)
    with app.app_context():
        set_contact_consent(db.session.get(User, ref.id), False)
        db.session.commit()
    assert "annulés : 1" in runner.invoke(args=["outbox", "send"]).output
    assert smtp_server.messages == [] and _statuses(app)[0][0] == "cancelled"


def _silent_server():
    """Accept SMTP connections and never answer (a sender talking to it hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    return listener, accepted


def _after_the_retry_delay(app):
    """Move the test app's clock past the delay after which an uncertain message goes again."""
    later = datetime.now(UTC) + timedelta(seconds=app.config["OUTBOX_UNCERTAIN_RETRY_SECONDS"] + 60)
    app.config["CLOCK"] = lambda: later


def test_a_sender_killed_while_sending_leaves_the_message_to_retry_after_the_delay(app, database_url, smtp_server):
    _queue(app)
    listener, accepted = _silent_server()
    config = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": listener.getsockname()[1], "MAIL_TIMEOUT": 60}
    child = process_runner.start(database_url, datetime.now(UTC), "outbox", "send", config=config)
    deadline = time.monotonic() + 30
    while not accepted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert accepted, "the sender never connected"
    child.send_signal(signal.SIGKILL)  # a crash in the middle of sending
    child.wait(timeout=10)
    child.stdout.close()
    child.stderr.close()
    accepted[0][0].close()
    listener.close()
    # The attempt was committed before the exchange: the message may have left, it is kept.
    assert _statuses(app) == [("sending", 1)]
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.claimed_dt)) is not None
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.output.startswith("Envoyés : 0") and smtp_server.messages == []
    _after_the_retry_delay(app)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and len(smtp_server.messages) == 1
    assert _statuses(app) == [("sent", 2)]


def test_a_server_acknowledging_after_the_timeout_gets_the_message_once(app, runner, smtp_server):
    _queue(app)
    app.config["MAIL_TIMEOUT"] = 1
    smtp_server.delay = 2.5  # stores the message, answers 250 after the client gave up
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "1 incertain :" in result.output, result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert (message.status, message.attempts) == ("uncertain", 1) and "timed out" in message.last_error
    smtp_server.delay = 0
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Envoyés : 0")
    assert len(smtp_server.messages) == 1  # not sent again right away
    _after_the_retry_delay(app)
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Envoyés : 1")
    first, second = (email for _, email in smtp_server.messages)
    assert first["Message-ID"] == second["Message-ID"]  # the receiving side can drop the copy
    assert _statuses(app) == [("sent", 2)]


def test_a_message_the_server_refuses_stays_queued_for_the_next_run(app, runner, smtp_server):
    _queue(app)
    smtp_server.reply = "554 5.7.1 Refusé"
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "en échec (restent en file) : 1" in result.output
    assert _statuses(app) == [("queued", 1)]
    smtp_server.reply = "250 OK"
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Envoyés : 1")
    assert _statuses(app) == [("sent", 2)]


def test_learners_can_write_while_the_sender_waits_on_a_slow_server(app, course, create_user, smtp_server):
    user = create_user()
    _queue(app)
    smtp_server.gate = threading.Event()
    sender = threading.Thread(target=lambda: app.test_cli_runner().invoke(args=["outbox", "send"]))
    sender.start()
    try:
        assert smtp_server.received.wait(timeout=10), "the sender never reached the server"
        started = time.monotonic()
        with app.app_context():  # another connection, as a learner's request
            complete_reading(user, db.session.scalar(select(Reading).where(Reading.slug == "premiere")))
            db.session.commit()
        assert time.monotonic() - started < 2  # did not wait for the SMTP exchange
        assert _statuses(app) == [("sending", 1)]
    finally:
        smtp_server.gate.set()
        sender.join(timeout=30)
    assert _statuses(app) == [("sent", 1)]


def test_two_senders_at_once_send_each_message_once(app, database_url, smtp_server):
    _queue(app, n=30)
    config = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port}
    children = [process_runner.start(database_url, datetime.now(UTC), "outbox", "send", config=config) for _ in range(2)]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    received = sorted(email["Subject"] for _, email in smtp_server.messages)
    assert received == sorted(f"Relance {i}" for i in range(30))
    assert {status for status, _ in _statuses(app)} == {"sent"}


def test_console_backend_prints_the_message(app, runner):
    _queue(app)
    app.config["MAIL_BACKEND"] = "console"
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    printed = message_from_string(result.output)
    assert printed["To"] == "learner0@example.org" and printed["Subject"] == "Relance 0"
    assert printed["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "Reprenez le cours." in result.output
    assert _statuses(app) == [("sent", 1)]
