"""``flask outbox send``: send the queued emails (fit for cron)."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from app.consent.services import is_contactable
from app.outbox.services import SEND_LIMIT
from app.outbox.services import send_pending
from app.outbox.transports import configured_transport


@click.group("outbox")
def outbox_cli() -> None:
    """Emails waiting to leave."""


@outbox_cli.command("send")
@click.option("--limit", default=SEND_LIMIT, show_default=True, help="At most this many messages in one run.")
@with_appcontext
def send_command(limit: int) -> None:
    """Send queued messages; one that fails stays queued for the next run, one that may have arrived waits for the retry delay."""
    report = send_pending(configured_transport(), is_contactable, limit=limit)
    click.echo(
        _(
            "Envoyés : %(sent)d ; annulés : %(cancelled)d ; en échec (restent en file) : %(failed)d.",
            sent=report.sent,
            cancelled=report.cancelled,
            failed=report.failed,
        )
    )
    if report.uncertain:
        # The server may have these: saying so lets an operator check before the delayed retry.
        hours = current_app.config["OUTBOX_UNCERTAIN_RETRY_SECONDS"] / 3600
        click.echo(ngettext("%(num)d incertain : le serveur l'a peut-être reçu ; nouvel essai dans %(hours)g h.",
                            "%(num)d incertains : le serveur les a peut-être reçus ; nouvel essai dans %(hours)g h.", report.uncertain, hours=hours))
    if report.failed or report.uncertain:
        raise click.exceptions.Exit(1)
