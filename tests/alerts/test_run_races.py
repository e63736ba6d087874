"""An alert run racing a learner's action, and two runs racing at a week's end.

Each test forces one interleaving: a batch of the run holds its transaction open (a hook between
its read of the learners and its decision) while the learner acts, or the learner's transaction
stays open while the run starts. The run must decide on the facts the learner's action left, or
the learner's refresh must come after the run's decision and correct it; never an alert reopened
(nor a reminder queued) from facts read before the learner caught up.
"""

import threading
import time
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.alerts import cli as alerts_cli
from app.auth.models import User
from app.catalogue.models import Reading
from app.cohorts.models import Cohort
from app.cohorts.models import CohortWeek
from app.extensions import db
from app.outbox.models import MessageStatus
from app.outbox.models import OutboxMessage
from app.progress.services import complete_reading
from app.progress.weeks import record_cohort_weeks
from tests.helpers import act
from tests.helpers import alerts_of
from tests.progress.test_races import SETTLE
from tests.progress.test_races import race


def _run(runner) -> str:
    result = runner.invoke(args=["alerts", "run"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def _behind_and_reminded(app, runner, clock, enrolled):
    """A consenting learner behind the pace, whose alert's reminder went out; the clock a day later."""
    learner = enrolled(consent=True)
    clock.set(date(2026, 11, 12))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 14))
    _run(runner)
    assert alerts_of(app, learner) == [("behind", True)]
    with app.app_context():
        assert db.session.execute(update(OutboxMessage).values(status=MessageStatus.SENT.value)).rowcount == 1
        db.session.commit()
    clock.set(date(2026, 11, 15))
    return learner


def _catch_up(learner):
    """The learner's action, in the caller's app context, not committed: reading the late reading."""
    user = db.session.get(User, learner.id)
    complete_reading(user, db.session.scalar(select(Reading).where(Reading.slug == "premiere")))


def _queued(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.QUEUED.value))


def test_a_learner_catching_up_while_a_batch_decides_keeps_no_alert_and_gets_no_reminder(app, runner, clock, enrolled, monkeypatch):
    learner = _behind_and_reminded(app, runner, clock, enrolled)
    errors, threads, waited = [], [], []

    def catch_up():
        try:
            with app.app_context():
                _catch_up(learner)
                db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    real_refresh = alerts_cli.refresh_learners

    def refresh_after_the_learner_acted(day, rows, now):
        # The batch has read its learners: the learner acts now, before the batch decides.
        thread = threading.Thread(target=catch_up)
        thread.start()
        threads.append(thread)
        time.sleep(SETTLE)
        waited.append(thread.is_alive())  # the action waits for the batch (before the fix, it was done)
        return real_refresh(day, rows, now)

    monkeypatch.setattr(alerts_cli, "refresh_learners", refresh_after_the_learner_acted)
    _run(runner)
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert errors == [] and waited == [True]
    assert alerts_of(app, learner) == [("behind", False)]
    assert _queued(app) == 0


def test_a_run_starting_while_the_learner_catches_up_keeps_no_alert_and_queues_no_reminder(app, runner, clock, enrolled):
    learner = _behind_and_reminded(app, runner, clock, enrolled)
    assert race(app, lambda: _catch_up(learner), lambda: _run(app.test_cli_runner())) == []
    assert alerts_of(app, learner) == [("behind", False)]
    assert _queued(app) == 0


def test_two_runs_just_after_a_week_ends_record_it_once(app, clock, enrolled, cohort):
    enrolled()
    clock.set(date(2026, 11, 8))  # the first week, 1 to 7 November, has just ended

    def first():
        assert record_cohort_weeks(db.session.get(Cohort, cohort), date(2026, 11, 8)) == 1

    assert race(app, first, lambda: _run(app.test_cli_runner())) == []
    with app.app_context():
        assert db.session.execute(select(CohortWeek.week, CohortWeek.learners).where(CohortWeek.cohort_id == cohort)).all() == [(1, 1)]
        assert record_cohort_weeks(db.session.get(Cohort, cohort), date(2026, 11, 8)) == 0
