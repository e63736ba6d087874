"""``flask events export``: the learning event log as xAPI statements, one per line."""

import json
from datetime import UTC
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from app.cohorts.models import Cohort
from app.extensions import db
from app.privacy.xapi import export_statements


class Instant(click.ParamType):
    """A date (midnight UTC) or an ISO 8601 date and time (UTC when it names no offset)."""

    name = "date"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(_("date invalide : %(value)r (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM, par exemple 2026-11-02)", value=value), param, ctx)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@click.group("events")
def events_cli() -> None:
    """The learning event log."""


@events_cli.command("export")
@click.option("--format", "format_", type=click.Choice(["xapi"]), default="xapi", show_default=True, help="xAPI 1.0.3 statements, one JSON object per line.")
@click.option("--since", type=Instant(), help="Only events from this date (AAAA-MM-JJ, midnight UTC) or instant (ISO 8601).")
@click.option("--cohort", "cohort_id", type=click.IntRange(min=1), help="Only events of this cohort (its number).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-", help="File to write (default: standard output).")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True, help="Events read per query.")
@with_appcontext
def export_command(format_: str, since: datetime | None, cohort_id: int | None, output: str, batch_size: int) -> None:
    """Export learning events as pseudonymous xAPI statements (JSON Lines), in id order.

    Exported verbs: experienced, completed, answered, passed, failed (feedback comments and the
    self-diagnostic are left out). Learners are named by a keyed pseudonym, anonymised learners by
    "anonyme"; exporting again gives the same statement ids.
    """
    if cohort_id is not None and db.session.get(Cohort, cohort_id) is None:
        raise click.BadParameter(_("aucune cohorte n° %(id)d", id=cohort_id), param_hint="--cohort")
    statements = export_statements(current_app.config["PLATFORM_HOMEPAGE"], current_app.config["SECRET_KEY"], since=since, cohort_id=cohort_id, batch_size=batch_size)
    count = 0
    with click.open_file(output, "w", encoding="utf-8") as stream:
        for statement in statements:
            stream.write(json.dumps(statement, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    click.echo(ngettext("%(num)d déclaration xAPI exportée.", "%(num)d déclarations xAPI exportées.", count), err=True)
