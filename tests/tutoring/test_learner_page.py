"""The learner page: the record, contacts (only with consent), alerts snoozed or resolved."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.consent.services import ConsentRequired
from app.extensions import db
from app.tutoring.models import Contact
from app.tutoring.services import log_contact
from tests.helpers import act


def _url(tutored, learner, suffix=""):
    return f"/tutorat/cohortes/{tutored.cohort_id}/apprenants/{learner.id}{suffix}"


def _alert_id(app, learner) -> int:
    with app.app_context():
        return db.session.scalar(select(Alert.id).where(Alert.user_id == learner.id, Alert.closed_dt.is_(None)))


def test_learner_page_shows_progress_timeline_alert_reason_and_consent(app, client, runner, tutored):
    act(app, tutored.chloe, "fail")
    runner.invoke(args=["alerts", "run"])
    page = client.get(_url(tutored, tutored.chloe)).text
    assert "<h1>Chloé Chevalier</h1>" in page
    assert "3 jours de retard sur le rythme conseillé" in page
    assert "3 jours de retard : 0 éléments sur 3 faits, le rythme en attendait 1 ; dernière activité le 14 novembre." in page
    assert "a ouvert Première lecture" in page and "a échoué à Quiz" in page
    assert "Tentatives aux quiz" in page and "0 / 3" in page
    assert "contactable" in page and "Enregistrer le contact" in page


def test_logging_a_contact(app, client, tutored):
    response = client.post(_url(tutored, tutored.chloe, "/contacts"), data={"channel": "telephone", "outcome": "joint", "note": "Reprend demain.", "alert_id": ""})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Téléphone · Apprenant joint · par Dominique Tuteur" in page and "Reprend demain." in page


def test_no_contact_without_consent_even_by_a_forged_post(app, client, tutored):
    page = client.get(_url(tutored, tutored.bruno)).text
    assert "Enregistrer le contact" not in page and "aucun contact ne peut être enregistré" in page
    response = client.post(_url(tutored, tutored.bruno, "/contacts"), data={"channel": "telephone", "outcome": "joint", "note": "", "alert_id": ""})
    assert response.status_code == 400
    assert "n'a pas accepté d'être contacté" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0


def test_the_service_itself_refuses_a_contact_without_consent(app, tutored):
    with app.app_context(), pytest.raises(ConsentRequired):
        log_contact(cohort_id=tutored.cohort_id, learner_id=tutored.bruno.id, tutor_id=tutored.tutor.id, channel="email", outcome="joint", note="", now=app.config["CLOCK"]())


def test_a_bad_contact_form_is_a_400(client, tutored):
    response = client.post(_url(tutored, tutored.chloe, "/contacts"), data={"channel": "pigeon", "outcome": "joint", "alert_id": "999"})
    assert response.status_code == 400 and "Enregistrer le contact" in response.text


def test_snooze_then_resolve_an_alert(app, client, runner, tutored, clock):
    runner.invoke(args=["alerts", "run"])
    alert_id = _alert_id(app, tutored.chloe)
    base = f"/tutorat/cohortes/{tutored.cohort_id}/alertes/{alert_id}"
    assert client.post(f"{base}/mise-de-cote", data={"until": "2026-11-10"}).status_code == 400  # in the past
    assert client.post(f"{base}/mise-de-cote", data={"until": "2026-11-17"}).status_code == 303
    cohort_page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?statut=en_retard&alerte=oui").text
    assert "Chloé Chevalier" not in cohort_page  # snoozed: not shown as open
    assert "mise de côté jusqu'au 17 novembre" in client.get(_url(tutored, tutored.chloe)).text
    assert client.post(f"{base}/traitee", data={}).status_code == 303
    assert "traitée le 14 novembre" in client.get(_url(tutored, tutored.chloe)).text
    assert client.post(f"{base}/traitee", data={}).status_code == 400  # already resolved


def test_a_contact_can_answer_an_alert(app, client, runner, tutored):
    runner.invoke(args=["alerts", "run"])
    alert_id = _alert_id(app, tutored.chloe)
    response = client.post(_url(tutored, tutored.chloe, "/contacts"), data={"channel": "email", "outcome": "message_laisse", "alert_id": str(alert_id)})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Contact.alert_id)) == alert_id


def test_catching_up_closes_the_alert_seen_by_the_tutor(app, client, runner, tutored, clock):
    runner.invoke(args=["alerts", "run"])
    clock.set(date(2026, 11, 15))
    act(app, tutored.chloe, "read", "premiere")
    assert "close le 15 novembre" in client.get(_url(tutored, tutored.chloe)).text
