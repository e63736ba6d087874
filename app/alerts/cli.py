"""``flask alerts run``: evaluate every active cohort (idempotent, fit for cron)."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.alerts.queries import cohort_day
from app.alerts.queries import learner_rows
from app.alerts.queries import open_cohorts
from app.alerts.services import RefreshReport
from app.alerts.services import lock_cohort
from app.alerts.services import refresh_learners
from app.clock import now_utc
from app.extensions import db
from app.progress.queries import pace_items
from app.progress.weeks import record_cohort_weeks


@click.group("alerts")
def alerts_cli() -> None:
    """Lag alerts."""


@alerts_cli.command("run")
@click.option("--batch-size", default=1000, show_default=True, help="Learners evaluated per transaction.")
@with_appcontext
def run_command(batch_size: int) -> None:
    """Raise, refresh and close the alerts of every open cohort that has started."""
    now = now_utc()
    items = pace_items()
    total, cohorts = RefreshReport(), 0
    for cohort in open_cohorts():
        day = cohort_day(cohort, now, items)
        if day.today < day.start_date:
            continue
        cohorts += 1
        record_cohort_weeks(cohort, day.today)
        db.session.commit()
        after = 0
        while True:
            # One transaction per batch (bounded memory, short locks), locked before its reads:
            # a learner acting meanwhile waits, or is waited for, never decided over.
            lock_cohort(day.cohort_id)
            rows = learner_rows(day.cohort_id, after_id=after, limit=batch_size)
            if rows:
                total.add(refresh_learners(day, rows, now))
            db.session.commit()
            if not rows:
                break
            after = rows[-1].user_id
    # One line of counts in a fixed shape, for cron logs: labels before the counts, so no plural to choose.
    click.echo(
        _(
            "Cohortes : %(cohorts)d ; apprenants : %(learners)d ; alertes ouvertes : %(opened)d, "
            "mises à jour : %(updated)d, closes : %(closed)d ; relances en file : %(reminders)d.",
            cohorts=cohorts,
            learners=total.learners,
            opened=total.opened,
            updated=total.updated,
            closed=total.closed,
            reminders=total.reminders,
        )
    )
