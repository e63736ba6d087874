"""``flask alerts run`` and the listeners, moving through a cohort's weeks with an injected clock."""

from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.alerts.services import resolve_alert
from app.alerts.services import snooze_alert
from app.consent.services import set_contact_consent
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.helpers import act
from tests.helpers import alerts_of


def run(runner):
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def test_not_started_opens_after_three_days_and_closes_when_the_learner_starts(app, runner, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 3))
    run(runner)
    assert alerts_of(app, learner) == []
    clock.set(date(2026, 11, 4))
    assert "alertes ouvertes : 1" in run(runner)
    assert alerts_of(app, learner) == [("not_started", True)]
    clock.set(date(2026, 11, 5))
    act(app, learner, "view", "premiere")  # the listener refreshes right away
    assert alerts_of(app, learner) == [("not_started", False)]


def test_a_run_is_idempotent_and_updates_rather_than_duplicates(app, runner, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 12))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 14))
    run(runner)
    assert "alertes ouvertes : 0, mises à jour : 0" in run(runner)
    with app.app_context():
        (alert,) = db.session.scalars(select(Alert))
        first_id, first_figures = alert.id, alert.figures
    assert first_figures["days"] == 3
    clock.set(date(2026, 11, 16))
    assert "mises à jour : 1" in run(runner)
    with app.app_context():
        (alert,) = db.session.scalars(select(Alert))
        assert (alert.id, alert.kind, alert.figures["days"]) == (first_id, "behind", 5)


def test_behind_becomes_at_risk_then_everything_closes_on_catching_up(app, runner, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 12))
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 14))
    run(runner)
    assert alerts_of(app, learner) == [("behind", True)]
    clock.set(date(2026, 11, 18))
    run(runner)
    assert alerts_of(app, learner) == [("behind", False), ("at_risk", True)]
    act(app, learner, "read", "premiere")
    assert alerts_of(app, learner) == [("behind", False), ("at_risk", False)]


def test_failing_the_same_quiz_twice_raises_struggling_at_once(app, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 2))
    act(app, learner, "fail")
    assert alerts_of(app, learner) == []
    act(app, learner, "fail")
    assert alerts_of(app, learner) == [("struggling", True)]
    act(app, learner, "pass")
    assert alerts_of(app, learner) == [("struggling", False)]


def test_reason_is_stored_with_its_figures(app, runner, clock, enrolled):
    learner = enrolled()
    act(app, learner, "view", "premiere")
    clock.set(date(2026, 11, 18))
    run(runner)
    from app.alerts.rules import reason_of

    with app.test_request_context():
        alert = db.session.scalar(select(Alert).where(Alert.user_id == learner.id))
        assert reason_of(alert.kind, alert.figures) == (
            "7 jours de retard : 0 éléments sur 3 faits, le rythme en attendait 1 ; aucune activité depuis 17 jours ; dernière activité le 1 novembre."
        )


def test_one_automatic_reminder_per_alert_and_only_with_consent(app, runner, clock, enrolled):
    willing, unwilling = enrolled(consent=True, name="Alice Dupont"), enrolled(name="Bruno Durand")
    clock.set(date(2026, 11, 4))
    run(runner)
    run(runner)
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.recipient_id, m.subject) for m in messages] == [(willing.id, "Votre cours « Comprendre l'IA au travail » a commencé")]
        assert messages[0].body.startswith("Bonjour Alice,")
        assert "http://127.0.0.1:5000/cours/" in messages[0].body
    with app.app_context():  # consent given later: the alert still open gets its reminder once
        from app.auth.models import User

        set_contact_consent(db.session.get(User, unwilling.id), True)
        db.session.commit()
    run(runner)
    run(runner)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient_id == unwilling.id)) == 1


def test_no_reminder_when_the_cohort_sends_none(app, runner, clock, enrolled, cohort):
    enrolled(consent=True)
    with app.app_context():
        from app.cohorts.models import Cohort

        db.session.get(Cohort, cohort).sends_reminders = False
        db.session.commit()
    clock.set(date(2026, 11, 4))
    run(runner)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_a_resolved_alert_is_not_raised_again_while_its_rule_holds(app, runner, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 4))
    run(runner)
    with app.app_context():
        alert = db.session.scalar(select(Alert))
        resolve_alert(alert, tutor_id=learner.id, now=clock())
        db.session.commit()
    clock.set(date(2026, 11, 5))
    run(runner)
    with app.app_context():
        (alert,) = db.session.scalars(select(Alert))
        assert alert.resolved_dt is not None and alert.closed_dt is None and alert.figures["days"] == 4


def test_a_snoozed_alert_is_hidden_until_its_date(app, runner, clock, enrolled):
    enrolled()
    clock.set(date(2026, 11, 4))
    run(runner)
    with app.app_context():
        alert = db.session.scalar(select(Alert))
        snooze_alert(alert, date(2026, 11, 7), today=date(2026, 11, 4))
        db.session.commit()
        assert not alert.is_open(date(2026, 11, 6)) and alert.is_open(date(2026, 11, 7))


def test_closed_and_unstarted_cohorts_are_left_alone(app, runner, clock, enrolled, cohort):
    enrolled()
    clock.set(date(2026, 10, 20))
    assert run(runner).startswith("Cohortes : 0")
    with app.app_context():
        from app.cohorts.models import Cohort

        db.session.get(Cohort, cohort).is_closed = True
        db.session.commit()
    clock.set(date(2026, 11, 10))
    assert run(runner).startswith("Cohortes : 0")


def test_an_action_after_consent_sends_the_waiting_reminder_once(app, runner, clock, enrolled):
    from app.auth.models import User

    learner = enrolled(name="Bruno Durand")
    clock.set(date(2026, 11, 10))
    act(app, learner, "view", "premiere")  # started, then nothing read: behind from the 12th
    clock.set(date(2026, 11, 14))
    run(runner)
    assert ("behind", True) in alerts_of(app, learner)

    def sent() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient_id == learner.id))

    assert sent() == 0  # no consent, no reminder
    with app.app_context():
        set_contact_consent(db.session.get(User, learner.id), True)
        db.session.commit()
    act(app, learner, "view", "seconde")  # still behind: the refresh after the action finds the alert waiting
    assert sent() == 1
    act(app, learner, "view", "premiere")
    assert sent() == 1
