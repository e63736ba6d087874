"""Reminders from the tutor: edited, previewed, queued once, only for learners who agreed."""

import re

import pytest
from sqlalchemy import select

from app.alerts.queries import cohort_day
from app.auth.models import User
from app.cohorts.models import Cohort
from app.consent.services import ConsentRequired
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.tutoring.queries import learner_lines
from app.tutoring.services import send_reminders


def _messages(app):
    with app.app_context():
        return [(m.to_address, m.subject, m.body) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _form(client, url):
    page = client.get(url).text
    key = re.search(r'id="batch_key" name="batch_key" type="hidden" value="([^"]+)"', page).group(1)
    return page, key


def test_preview_then_send_to_one_learner(app, client, tutored):
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.chloe.id}"
    page, key = _form(client, url)
    assert "Où en êtes-vous du cours" in page and "{prenom}" in page
    data = {"subject": "Un point sur {cohorte}", "body": "Bonjour {prenom}, {faits} sur {total}.", "batch_key": key}
    preview = client.post(url, data={**data, "preview": "Prévisualiser"})
    assert preview.status_code == 200 and "Bonjour Chloé, 0 sur 3." in preview.text and _messages(app) == []
    sent = client.post(url, data={**data, "send": "Envoyer"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/apprenants/{tutored.chloe.id}")
    client.post(url, data={**data, "send": "Envoyer"})  # the same form sent twice
    (message,) = _messages(app)
    assert message[1] == "Un point sur Cohorte de novembre" and message[2] == "Bonjour Chloé, 0 sur 3."


def test_an_unknown_placeholder_is_refused(app, client, tutored):
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.chloe.id}"
    _page, key = _form(client, url)
    response = client.post(url, data={"subject": "Bonjour", "body": "Bonjour {nom.__class__}", "batch_key": key, "send": "Envoyer"})
    assert response.status_code == 400 and "Variable inconnue : {nom.__class__}." in response.text
    assert _messages(app) == []


def test_no_reminder_to_a_learner_without_consent(app, client, tutored):
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.bruno.id}"
    page = client.get(url).text
    assert "aucune relance ne peut partir" in page and 'name="send"' not in page
    response = client.post(url, data={"subject": "Bonjour", "body": "Bonjour {prenom}", "batch_key": "k" * 32, "send": "Envoyer"})
    assert response.status_code == 400 and _messages(app) == []


def test_a_filter_reaches_only_its_contactable_learners(app, client, tutored):
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?statut=en_retard"
    page, key = _form(client, url)
    assert "2 apprenants dans la sélection." in page and "1 a accepté d'être contacté" in page
    client.post(url, data={"subject": "S", "body": "Bonjour {prenom}", "batch_key": key, "send": "Envoyer"})
    assert [m[0] for m in _messages(app)] == [_email(app, tutored.chloe.id)]


def _email(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def test_the_service_refuses_a_learner_without_consent(app, tutored):
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, tutored.cohort_id), app.config["CLOCK"]())
        lines = learner_lines(day, [tutored.bruno.id])
        with pytest.raises(ConsentRequired):
            send_reminders(day, lines, "S", "B", tutor_id=tutored.tutor.id, batch_key="x" * 32)
        db.session.rollback()
    assert _messages(app) == []


def test_one_learner_without_consent_in_a_batch_stops_the_whole_batch(app, tutored):
    with app.app_context():
        day = cohort_day(db.session.get(Cohort, tutored.cohort_id), app.config["CLOCK"]())
        lines = learner_lines(day, [tutored.alice.id, tutored.bruno.id, tutored.chloe.id])
        with pytest.raises(ConsentRequired):
            send_reminders(day, lines, "S", "B", tutor_id=tutored.tutor.id, batch_key="y" * 32)
        db.session.rollback()
        contactable = [line for line in lines if line.is_contactable]
        assert send_reminders(day, contactable, "S", "Bonjour {prenom}", tutor_id=tutored.tutor.id, batch_key="y" * 32) == 2
        db.session.commit()
    assert sorted(m[2] for m in _messages(app)) == ["Bonjour Alice", "Bonjour Chloé"]
