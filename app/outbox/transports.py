"""How messages leave: SMTP, or the console in development. Chosen by ``MAIL_BACKEND``."""

import hashlib
import smtplib
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from flask import current_app

from app.outbox.models import OutboxMessage


class Transport(Protocol):
    """Something that delivers one message or raises."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message``; raise on any failure."""


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """Turn an outbox row into an email whose Message-ID is the same on every try."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_dt)
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:16]
    email["Message-ID"] = f"<outbox-{message.id}-{digest}@{domain}>"
    email.set_content(message.body)
    return email


class SmtpTransport:
    """Send through an SMTP server (``MAIL_SERVER``, ``MAIL_PORT``, optional STARTTLS and login)."""

    def __init__(self, config):
        self.config = config

    def send(self, message: OutboxMessage) -> None:
        """Open a connection, send, close (reminders are few; no connection is kept)."""
        c = self.config
        with smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"]) as smtp:
            if c["MAIL_USE_TLS"]:
                smtp.starttls()
            if c.get("MAIL_USERNAME"):
                smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
            smtp.send_message(build_email(message, c["MAIL_DEFAULT_SENDER"]))


class ConsoleTransport:
    """Print each message on the standard output (development)."""

    def __init__(self, config):
        self.config = config

    def send(self, message: OutboxMessage) -> None:
        """Write the whole email, headers included."""
        sys.stdout.write(build_email(message, self.config["MAIL_DEFAULT_SENDER"]).as_string() + "\n")
        sys.stdout.flush()


TRANSPORTS = {"smtp": SmtpTransport, "console": ConsoleTransport}


def configured_transport() -> Transport:
    """Return the transport named by ``MAIL_BACKEND``."""
    name = current_app.config["MAIL_BACKEND"]
    if name not in TRANSPORTS:
        raise RuntimeError(f"MAIL_BACKEND inconnu : {name!r} (choisir parmi {', '.join(TRANSPORTS)})")
    return TRANSPORTS[name](current_app.config)
