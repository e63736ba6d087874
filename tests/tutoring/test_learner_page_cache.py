"""The learner page is cached for its tutor until anything it shows changes."""

from datetime import date

from sqlalchemy import select

from app.accounts.services import set_account_active
from app.accounts.services import update_account
from app.alerts.models import Alert
from app.alerts.services import snooze_alert
from app.auth.models import Role
from app.auth.models import User
from app.consent.services import set_contact_consent
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.diagnostic.services import save_ratings
from app.extensions import db
from app.tutoring.services import log_contact
from tests.helpers import act
from tests.helpers import recorded_statements


def _url(tutored, learner) -> str:
    return f"/tutorat/cohortes/{tutored.cohort_id}/apprenants/{learner.id}"


def _page(client, tutored, learner) -> str:
    return client.get(_url(tutored, learner)).text


def test_a_cached_view_costs_a_few_light_statements(app, client, tutored):
    _page(client, tutored, tutored.chloe)
    with recorded_statements(app) as seen:
        assert "<h1>Chloé Chevalier</h1>" in _page(client, tutored, tutored.chloe)
    assert len(seen) <= 5  # the tutor, the cohort, the learner, the stamp, the alerts


def test_a_learner_action_shows(app, client, tutored):
    before = _page(client, tutored, tutored.chloe).count("Seconde lecture")
    act(app, tutored.chloe, "read", "seconde")
    assert _page(client, tutored, tutored.chloe).count("Seconde lecture") > before


def test_an_alert_opened_then_put_aside_shows(app, client, runner, tutored):
    page = _page(client, tutored, tutored.chloe)
    runner.invoke(args=["alerts", "run"])
    opened = _page(client, tutored, tutored.chloe)
    assert opened != page and "Mettre de côté" in opened
    with app.app_context():
        alert = db.session.scalar(select(Alert).where(Alert.user_id == tutored.chloe.id, Alert.closed_dt.is_(None)))
        snooze_alert(alert, date(2026, 11, 17), date(2026, 11, 14))
        db.session.commit()
    assert "mise de côté jusqu'au 17 novembre" in _page(client, tutored, tutored.chloe)


def test_consent_given_and_a_contact_logged_elsewhere_show(app, client, tutored):
    assert "Enregistrer le contact" not in _page(client, tutored, tutored.bruno)
    with app.app_context():
        set_contact_consent(db.session.get(User, tutored.bruno.id), True)
        db.session.commit()
    assert "Enregistrer le contact" in _page(client, tutored, tutored.bruno)
    with app.app_context():
        log_contact(cohort_id=tutored.cohort_id, learner_id=tutored.bruno.id, tutor_id=tutored.tutor.id, channel="telephone", outcome="joint",
                    note="Appelé par un collègue.", now=app.config["CLOCK"]())
        db.session.commit()
    assert "Appelé par un collègue." in _page(client, tutored, tutored.bruno)


def test_a_rename_and_a_deactivation_show(app, client, tutored):
    assert "<h1>Chloé Chevalier</h1>" in _page(client, tutored, tutored.chloe)
    with app.app_context():
        update_account(tutored.chloe.id, "Chloé", "Martin", Role.LEARNER, None)
        db.session.commit()
    assert "<h1>Chloé Martin</h1>" in _page(client, tutored, tutored.chloe)
    with app.app_context():
        set_account_active(tutored.chloe.id, False)
        db.session.commit()
    assert "compte désactivé" in _page(client, tutored, tutored.chloe).lower()


def test_diagnostic_ratings_replaced_show(app, client, tutored):
    with app.app_context():
        statement_id = db.session.scalar(select(DiagnosticStatement.id).order_by(DiagnosticStatement.id))
        save_ratings(db.session.get(User, tutored.chloe.id), Phase.BEFORE, {statement_id: 2})
        db.session.commit()
    before = _page(client, tutored, tutored.chloe)
    with app.app_context():
        save_ratings(db.session.get(User, tutored.chloe.id), Phase.BEFORE, {statement_id: 5})
        db.session.commit()
    assert _page(client, tutored, tutored.chloe) != before


def test_the_day_moves_the_standing(app, client, tutored, clock):
    assert "3 jours de retard sur le rythme conseillé" in _page(client, tutored, tutored.chloe)
    clock.set(date(2026, 11, 16))
    assert "5 jours de retard sur le rythme conseillé" in _page(client, tutored, tutored.chloe)


def test_another_cohort_or_learner_is_still_a_404(client, tutored):
    _page(client, tutored, tutored.chloe)
    assert client.get(f"/tutorat/cohortes/{tutored.cohort_id}/apprenants/999999").status_code == 404
    assert client.get(f"/tutorat/cohortes/999999/apprenants/{tutored.chloe.id}").status_code == 404
