"""A handled alert does not hide a new problem: worse figures than when handled open a new alert."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.alerts.models import Alert
from app.alerts.rules import Thresholds
from app.alerts.rules import is_worse
from app.alerts.services import resolve_alert
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.extensions import db
from tests import process_runner
from tests.helpers import act
from tests.helpers import alerts_of


def _resolve_current(app, clock, kind: str) -> None:
    with app.app_context():
        alert = db.session.scalar(select(Alert).where(Alert.kind == kind, Alert.closed_dt.is_(None)))
        resolve_alert(alert, tutor_id=alert.user_id, now=clock())
        db.session.commit()


def _run(runner):
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output


def test_failing_the_same_quiz_twice_again_after_it_was_handled_raises_it_again(app, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 2))
    act(app, learner, "fail")
    act(app, learner, "fail")
    _resolve_current(app, clock, "struggling")
    with app.app_context():
        assert db.session.scalar(select(Alert.resolved_figures))["quizzes"][0]["failures"] == 2
    act(app, learner, "fail")  # one more failure: the problem the tutor handled, not a new one
    assert alerts_of(app, learner) == [("struggling", True)]
    act(app, learner, "fail")  # two new failures since: a new alert
    assert alerts_of(app, learner) == [("struggling", False), ("struggling", True)]
    with app.app_context():
        old, new = db.session.scalars(select(Alert).order_by(Alert.id))
        assert old.resolved_dt is not None and old.closed_dt is not None
        assert new.resolved_dt is None and new.figures["quizzes"][0]["failures"] == 4


def test_a_run_keeps_a_handled_alert_quiet_until_it_gets_worse(app, runner, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 12))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 14))
    _run(runner)  # 3 days behind
    _resolve_current(app, clock, "behind")
    clock.set(date(2026, 11, 15))
    _run(runner)  # 4 days: still the problem the tutor handled
    assert alerts_of(app, learner) == [("behind", True)]
    clock.set(date(2026, 11, 17))
    _run(runner)  # 6 days: another 3 days lost since it was handled
    assert alerts_of(app, learner) == [("behind", False), ("behind", True)]
    with app.app_context():
        new = db.session.scalars(select(Alert).order_by(Alert.id.desc())).first()
        assert new.resolved_dt is None and new.figures["days"] == 6


def test_what_counts_as_worse():
    t = Thresholds()
    struggling = {"quizzes": [{"quiz": "A", "failures": 2}]}
    assert not is_worse("struggling", struggling, {"quizzes": [{"quiz": "A", "failures": 3}]}, t)
    assert is_worse("struggling", struggling, {"quizzes": [{"quiz": "A", "failures": 4}]}, t)
    assert is_worse("struggling", struggling, {"quizzes": [{"quiz": "A", "failures": 2}, {"quiz": "B", "failures": 2}]}, t)
    assert not is_worse("behind", {"days": 3}, {"days": 5}, t) and is_worse("behind", {"days": 3}, {"days": 6}, t)
    assert not is_worse("at_risk", {"days": 7, "idle": None}, {"days": 13, "idle": None}, t)
    assert is_worse("at_risk", {"days": 7, "idle": None}, {"days": 14, "idle": None}, t)
    assert is_worse("at_risk", {"days": 2, "idle": 7}, {"days": 2, "idle": 14}, t)
    assert not is_worse("not_started", {"days": 3}, {"days": 30}, t)
    assert not is_worse("struggling", None, {"quizzes": [{"quiz": "A", "failures": 9}]}, t)


@pytest.mark.parametrize(
    ("resolved", "now", "inactive_days", "worse"),
    [
        ({"idle": 7}, {"idle": 13}, 7, False),  # 6 more idle days: not another threshold
        ({"idle": 7}, {"idle": 14}, 7, True),
        ({"idle": 7}, {"idle": 8}, 7, False),  # idle days are counted from the handled figure, not added to it
        ({"idle": None}, {"idle": 7}, 7, True),  # handled while active (behind by days), now idle a week
        ({"idle": None}, {"idle": 6}, 7, False),
        ({"idle": None}, {"idle": None}, 1, False),  # active then and now: no idle day at all
        ({"idle": 3}, {"idle": None}, 1, False),
    ],
)
def test_at_risk_gets_worse_by_a_threshold_of_idle_days(resolved, now, inactive_days, worse):
    t = Thresholds(inactive_days=inactive_days)
    assert is_worse("at_risk", {"days": 2, **resolved}, {"days": 2, **now}, t) is worse


LEARNERS = 120


def test_two_runs_at_once_open_one_new_alert_for_a_handled_one_got_worse(app, database_url, cohort):
    with app.app_context():
        users = [User(email=f"w{i}@example.org", display_name=f"Learner {i}", password_hash="x", roles=int(Role.LEARNER)) for i in range(LEARNERS)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Enrolment(cohort_id=cohort, user_id=u.id) for u in users)
        # "behind" from 2 days, "at risk" from 10: both runs below fall between two week ends
        # (15 and 22 November), so neither records the weekly figures.
        db.session.execute(update(Cohort).where(Cohort.id == cohort).values(behind_days=2, at_risk_days=10))
        db.session.commit()
    first = process_runner.start(database_url, datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "alerts", "run")
    output = first.communicate(timeout=120)
    assert first.returncode == 0, output
    with app.app_context():  # the tutor handled every "behind" alert (5 days behind)
        for alert in db.session.scalars(select(Alert).where(Alert.kind == "behind")):
            resolve_alert(alert, tutor_id=alert.user_id, now=datetime(2026, 11, 16, 10, 0, tzinfo=UTC))
        db.session.commit()
    later = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # 7 days behind: worse by the threshold
    runs = [process_runner.start(database_url, later, "alerts", "run", "--batch-size", "15") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with app.app_context():
        rows = db.session.execute(
            select(Alert.user_id, func.count(), func.count(Alert.closed_dt), func.count(Alert.resolved_dt)).where(Alert.kind == "behind").group_by(Alert.user_id)
        ).all()
        # per learner: the handled alert, closed; one new one, current and not handled
        assert len(rows) == LEARNERS and {tuple(r[1:]) for r in rows} == {(2, 1, 1)}
