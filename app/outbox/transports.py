"""How messages leave: SMTP, or the console in development. Chosen by ``MAIL_BACKEND``."""

import hashlib
import smtplib
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from app.outbox.models import OutboxMessage


class Transport(Protocol):
    """Something that delivers one message or raises."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message``; raise :class:`DeliveryUncertain` if it may have arrived, anything else if not."""


class DeliveryUncertain(Exception):
    """The exchange failed after the message's content started to leave: the server may have it.

    Retrying at once would deliver it twice whenever the server did take it (a slow server that
    stored the message, then answered after our timeout).
    """


class _SMTP(smtplib.SMTP):
    """smtplib's client, noting when the DATA command starts (from then on a failure is uncertain)."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


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
        """Open a connection, send, close (reminders are few; no connection is kept).

        A refusal by the server (an SMTP error reply) or a failure before DATA means the message
        did not arrive; a timeout or a lost connection after DATA raises :class:`DeliveryUncertain`.
        Once the server accepted the message, a failing QUIT changes nothing.
        """
        c = self.config
        email = build_email(message, c["MAIL_DEFAULT_SENDER"])
        smtp = _SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
        try:
            if c["MAIL_USE_TLS"]:
                smtp.starttls()
            if c.get("MAIL_USERNAME"):
                smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
            smtp.send_message(email)
        except smtplib.SMTPResponseException:
            raise  # the server answered with an error code: it did not take the message
        except Exception as exc:
            if smtp.data_started:
                raise DeliveryUncertain(f"{type(exc).__name__}: {exc}") from exc
            raise
        finally:
            _close_quietly(smtp)


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


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
        raise RuntimeError(_("MAIL_BACKEND inconnu : %(name)r (choisir parmi %(names)s)", name=name, names=", ".join(TRANSPORTS)))
    return TRANSPORTS[name](current_app.config)
