"""``flask outbox send``: send the queued emails (fit for cron)."""

import click
from flask.cli import with_appcontext

from app.consent.services import is_contactable
from app.outbox.services import send_pending
from app.outbox.transports import configured_transport


@click.group("outbox")
def outbox_cli() -> None:
    """Emails waiting to leave."""


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many messages in one run.")
@with_appcontext
def send_command(limit: int) -> None:
    """Send queued messages; a message that fails stays queued for the next run."""
    report = send_pending(configured_transport(), is_contactable, limit=limit)
    click.echo(f"{report.sent} envoyé(s), {report.cancelled} annulé(s), {report.failed} en échec (restent en file).")
    if report.failed:
        raise click.exceptions.Exit(1)
