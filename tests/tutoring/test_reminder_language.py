"""Emails go out in the recipient's language, whoever queued them; their links use PLATFORM_HOMEPAGE."""

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import User
from app.extensions import db
from app.outbox.models import OutboxMessage

HOME = "https://formation.example.org"


def _set_locale(app, user_ref, locale):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_ref.id).values(locale=locale))
        db.session.commit()


def _message_to(app, user_ref) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == user_ref.id))
        db.session.expunge(message)
        return message


def _send_offered_template(client, cohort_id, learner):
    url = f"/tutorat/cohortes/{cohort_id}/relance?apprenant={learner.id}"
    page = client.get(url).text
    key = re.search(r'id="batch_key" name="batch_key" type="hidden" value="([^"]+)"', page).group(1)
    subject = re.search(r'id="subject" [^>]*value="([^"]*)"', page).group(1).replace("&#34;", '"').replace("&#39;", "'")
    body = re.search(r'<textarea[^>]*id="body"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1).replace("&#39;", "'").replace("&#34;", '"')
    body = body.replace("\n", "\r\n")  # as a browser sends a textarea
    response = client.post(url, data={"subject": subject, "body": body, "batch_key": key, "send": "Envoyer"})
    assert response.status_code == 303
    return subject


def test_a_tutor_in_english_reminds_each_learner_in_their_own_language(app, client, tutored):
    app.config["PLATFORM_HOMEPAGE"] = HOME
    assert client.post("/langue", data={"lang": "en", "next": "/tutorat/"}).status_code == 302
    _set_locale(app, tutored.alice, "en")  # Chloé chose nothing: French, the platform's default
    subject = _send_offered_template(client, tutored.cohort_id, tutored.chloe)
    assert subject.startswith("How are you getting on")  # the tutor saw the template in English
    _send_offered_template(client, tutored.cohort_id, tutored.alice)
    french, english = _message_to(app, tutored.chloe), _message_to(app, tutored.alice)
    assert french.subject == "Où en êtes-vous du cours « Comprendre l'IA au travail » ?"
    assert french.body.startswith("Bonjour Chloé,") and "26 novembre 2026" in french.body
    assert english.subject.startswith("How are you getting on") and english.body.startswith("Hello Alice,")
    assert "November 26, 2026" in english.body
    for message in (french, english):
        links = re.findall(r"https?://\S+", message.body)
        assert links and all(link.startswith(HOME + "/") for link in links)


def test_a_tutors_own_words_are_sent_as_written(app, client, tutored):
    client.post("/langue", data={"lang": "en", "next": "/tutorat/"})
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.chloe.id}"
    key = re.search(r'id="batch_key" name="batch_key" type="hidden" value="([^"]+)"', client.get(url).text).group(1)
    client.post(url, data={"subject": "Un mot", "body": "Bonjour {prenom}, fin le {date_fin}.", "batch_key": key, "send": "Envoyer"})
    message = _message_to(app, tutored.chloe)
    assert (message.subject, message.body) == ("Un mot", "Bonjour Chloé, fin le 26 novembre 2026.")


def test_automatic_reminders_use_each_learners_language(app, runner, clock, enrolled):
    app.config["PLATFORM_HOMEPAGE"] = HOME
    french, english = enrolled(consent=True, name="Alice Dupont"), enrolled(consent=True, name="Bob Smith")
    _set_locale(app, english, "en")
    clock.set(date(2026, 11, 4))
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    assert _message_to(app, french).subject == "Votre cours « Comprendre l'IA au travail » a commencé"
    message = _message_to(app, english)
    assert message.body.startswith("Hello Bob,") and "November 26, 2026" in message.body
    assert f"{HOME}/cours/" in message.body
