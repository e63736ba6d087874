"""A learner enrolled in two open cohorts: their actions count for both at once."""

from datetime import date

from sqlalchemy import select

from app.alerts.models import Alert
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.services import current_cohort_id
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.extensions import db
from tests.helpers import act


def _second_cohort(app, learner, start=date(2026, 11, 5), end=date(2026, 12, 20), name="Cohorte de décembre") -> int:
    with app.app_context():
        other = get_or_create_cohort(name, start, end)
        enrol(other, db.session.get(User, learner.id))
        db.session.commit()
        return other.id


def _current(app, cohort_id: int, user_id: int) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(Alert).where(Alert.cohort_id == cohort_id, Alert.user_id == user_id, Alert.closed_dt.is_(None)).order_by(Alert.id))
        return [(a.kind, a.figures) for a in rows]


def _run(runner):
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output


def test_catching_up_closes_the_alerts_of_every_cohort(app, runner, clock, enrolled, cohort):
    learner = enrolled()
    later = _second_cohort(app, learner, start=date(2026, 11, 2), end=date(2026, 11, 20))
    clock.set(date(2026, 11, 2))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 16))
    _run(runner)
    assert [k for k, _ in _current(app, cohort, learner.id)] == ["at_risk"]
    assert [k for k, _ in _current(app, later, learner.id)] == ["at_risk"]
    act(app, learner, "read", "premiere")  # caught up in both: both cohorts' alerts close at once
    assert _current(app, cohort, learner.id) == []
    assert _current(app, later, learner.id) == []


def test_an_action_refreshes_the_figures_of_the_older_cohort_too(app, runner, clock, enrolled, cohort):
    learner = enrolled()
    later = _second_cohort(app, learner)
    clock.set(date(2026, 11, 2))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 25))
    _run(runner)
    (kind, figures), = _current(app, cohort, learner.id)
    assert (kind, figures["done"]) == ("at_risk", 0)
    act(app, learner, "read", "premiere")
    (kind, figures), = _current(app, cohort, learner.id)  # still behind in the older cohort, with today's figures
    assert (kind, figures["done"], figures["last"]) == ("behind", 1, "2026-11-25")
    assert _current(app, later, learner.id) == []


def test_failing_twice_raises_struggling_in_every_cohort(app, clock, enrolled, cohort):
    learner = enrolled()
    later = _second_cohort(app, learner)
    clock.set(date(2026, 11, 6))
    act(app, learner, "fail")
    act(app, learner, "fail")
    assert [k for k, _ in _current(app, cohort, learner.id)] == ["struggling"]
    assert [k for k, _ in _current(app, later, learner.id)] == ["struggling"]


def test_the_pace_shown_is_the_cohort_ending_soonest_and_the_map_says_so(app, client, login, create_user, clock, enrolled, cohort):
    learner = enrolled()
    later = _second_cohort(app, learner)
    clock.set(date(2026, 11, 6))
    with app.app_context():
        assert current_cohort_id(learner.id) == cohort
    login(learner)
    page = client.get("/cours/").text
    assert "Cohorte de novembre" in page
    assert "Vous suivez aussi la cohorte Cohorte de décembre" in page
    assert "celui de la cohorte qui se termine la première" in page
    clock.set(date(2026, 11, 27))  # the November cohort is over (not closed): December's pace now
    with app.app_context():
        assert current_cohort_id(learner.id) == later
        db.session.get(Cohort, cohort).is_closed = True
        db.session.commit()
    page = client.get("/cours/").text
    assert "Cohorte de décembre" in page and "Vous suivez aussi" not in page
