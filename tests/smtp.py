"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""

import asyncio
import contextlib
import socket
import threading
from email import message_from_bytes
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Collects every message the server receives, then answers ``reply``.

    A test can make the server slow: it keeps the message, then waits until ``gate`` is set (if
    any) and ``delay`` seconds more before it answers (as a server that stored the message and
    acknowledges it late). ``received`` is set as soon as a message arrived.
    """

    def __init__(self):
        self.messages = []
        self.port = 0
        self.reply = "250 OK"
        self.delay = 0.0
        self.gate: threading.Event | None = None
        self.received = threading.Event()
        #: Addresses the server refuses at RCPT TO (a mailbox that does not exist).
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        self.received.set()
        while self.gate is not None and not self.gate.is_set():
            await asyncio.sleep(0.02)
        await asyncio.sleep(self.delay)
        return self.reply


@contextlib.contextmanager
def smtp_server_for(app):
    """Run an SMTP server and point ``app``'s mail settings at it; yield its inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield inbox
    finally:
        controller.stop()
