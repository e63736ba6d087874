"""The whole cycle in the browser's requests: a learner writes and sends, the tutor asks for a
rework, the learner sends a second version, the tutor validates; the activity then counts as done."""

import html
import io
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import Submission
from app.cohorts.models import Enrolment
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.queries import done_items

ACTIVITY = "/cours/bases/activites/mise-en-pratique"


def _switch(client, login, user):
    client.post("/deconnexion")
    assert login(user).status_code == 302


def _events(app, user_id):
    with app.app_context():
        return [(e.verb, e.result) for e in db.session.scalars(
            select(LearningEvent).where(LearningEvent.actor_id == user_id, LearningEvent.object_type == "activity").order_by(LearningEvent.id))]


def _waiting_id(app):
    with app.app_context():
        return db.session.scalar(select(Submission.id).where(Submission.status == "submitted"))


def test_the_learner_sees_the_brief_and_the_criteria(client, tutored, login):
    _switch(client, login, tutored.alice)
    page = client.get(ACTIVITY)
    assert page.status_code == 200
    assert "<strong>une tâche</strong>" in page.text and "La réponse dit pourquoi." in page.text
    assert "Ce que votre tuteur regarde" in page.text and 'enctype="multipart/form-data"' in page.text


def test_draft_then_rework_then_validation(app, client, tutored, login):
    _switch(client, login, tutored.alice)
    saved = client.post(ACTIVITY, data={"answer": "Premier jet.", "save": "1"})
    assert saved.status_code == 303
    assert "Premier jet." in client.get(ACTIVITY).text  # the draft comes back in the form
    assert _waiting_id(app) is None, "a draft is not sent"
    sent = client.post(ACTIVITY, data={"answer": "Je trie mes relances clients.", "send": "1",
                                       "attachment": (io.BytesIO(b"tache;outil\n"), "taches.csv")}, content_type="multipart/form-data")
    assert sent.status_code == 303
    assert "attend la relecture" in client.get(ACTIVITY).text
    assert client.post(ACTIVITY, data={"answer": "Encore.", "send": "1"}).status_code == 400, "no new version while one waits"

    _switch(client, login, tutored.tutor)
    cohort_page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}")
    assert "1 réponse attend votre relecture" in cohort_page.text and "Alice Arnaud" in cohort_page.text
    review = f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{_waiting_id(app)}"
    page = client.get(review)
    assert "Je trie mes relances clients." in page.text and "taches.csv" in page.text
    assert client.get(f"{review}/fichier").data == b"tache;outil\n"
    assert client.post(review, data={"feedback": "Dites pourquoi.", "decision": "rework"}).status_code == 303

    _switch(client, login, tutored.alice)
    page = client.get(ACTIVITY)
    assert "Dites pourquoi." in page.text and "À retravailler" in page.text
    assert "Je trie mes relances clients.</textarea>" in page.text, "the new version starts from the last one"
    assert client.post(ACTIVITY, data={"answer": "Je trie mes relances, parce que...", "send": "1"}).status_code == 303

    _switch(client, login, tutored.tutor)
    second = _waiting_id(app)
    assert client.post(f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{second}", data={"feedback": "Bravo.", "decision": "validated"}).status_code == 303
    assert "Aucune réponse n'attend votre relecture." in client.get(f"/tutorat/cohortes/{tutored.cohort_id}").text

    with app.app_context():
        versions = db.session.execute(select(Submission.version, Submission.status).where(Submission.user_id == tutored.alice.id).order_by(Submission.version)).all()
        assert versions == [(1, "rework"), (2, "validated")], "every version is kept"
        assert db.session.get(LearnerProgress, tutored.alice.id).activities_validated == 1
        activity_id = db.session.scalar(select(Activity.id))
        assert ("activity", activity_id) in done_items(tutored.alice.id)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == tutored.alice.id))
        assert enrolment.items_done == 3, "two readings and the activity, on the tutor's table too"
    assert [verb for verb, _ in _events(app, tutored.alice.id)] == ["submitted", "scored", "submitted", "scored"]
    assert [result["success"] for verb, result in _events(app, tutored.alice.id) if verb == "scored"] == [False, True]
    _switch(client, login, tutored.alice)
    page = client.get(ACTIVITY)
    assert "Votre tuteur a validé cette activité." in page.text and "<textarea" not in page.text


def test_a_review_is_not_the_learners_activity(app, client, tutored, login, clock):
    """The inactivity alert counts the learner's own actions: the tutor's review dates nothing."""
    _switch(client, login, tutored.bruno)
    client.post(ACTIVITY, data={"answer": "Ma réponse.", "send": "1"})
    with app.app_context():
        before = db.session.get(LearnerProgress, tutored.bruno.id).last_activity_dt
    clock.set(date(2026, 11, 16))
    _switch(client, login, tutored.tutor)
    client.post(f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{_waiting_id(app)}", data={"feedback": "Bien.", "decision": "validated"})
    with app.app_context():
        assert db.session.get(LearnerProgress, tutored.bruno.id).last_activity_dt == before


@pytest.mark.parametrize("data, message", [
    ({"answer": "  ", "send": "1"}, "Écrivez votre réponse avant de l'envoyer."),
    ({"answer": "x" * 20_001, "send": "1"}, "20000 caractères au maximum."),
    ({"answer": "Ma réponse.", "send": "1", "attachment": (io.BytesIO(b"MZ"), "outil.exe")}, "Type de fichier non accepté"),
    ({"answer": "Ma réponse.", "send": "1", "attachment": (io.BytesIO(b"x" * 2049), "gros.pdf")}, "Fichier trop lourd : 2 Ko au maximum."),
])
def test_a_bad_answer_is_refused_on_its_field_and_writes_nothing(app, client, tutored, login, data, message):
    app.config["ACTIVITY_FILE_MAX_BYTES"] = 2048  # small: a large body in the test client leaves a temporary file open
    _switch(client, login, tutored.alice)
    response = client.post(ACTIVITY, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in html.unescape(response.text) and 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission).where(Submission.status != "draft")) == 0


def test_the_tutors_review_needs_a_feedback_and_a_decision(app, client, tutored, login):
    _switch(client, login, tutored.alice)
    client.post(ACTIVITY, data={"answer": "Ma réponse.", "send": "1"})
    _switch(client, login, tutored.tutor)
    review = f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{_waiting_id(app)}"
    empty = client.post(review, data={"feedback": "", "decision": "validated"})
    assert empty.status_code == 400 and "Écrivez un retour pour l'apprenant." in html.unescape(empty.text)
    unknown = client.post(review, data={"feedback": "Bien.", "decision": "peut-etre"})
    assert unknown.status_code == 400 and "N'est pas un choix valide." in html.unescape(unknown.text)
    assert _waiting_id(app) is not None, "still waiting"


def test_nobody_else_reaches_an_answer(app, client, tutored, login, create_user):
    from app.auth.models import Role

    _switch(client, login, tutored.alice)
    client.post(ACTIVITY, data={"answer": "Ma réponse.", "send": "1", "attachment": (io.BytesIO(b"secret"), "notes.txt")},
                content_type="multipart/form-data")
    submission_id = _waiting_id(app)
    assert client.get(f"{ACTIVITY}/versions/1/fichier").data == b"secret"
    _switch(client, login, tutored.chloe)  # another learner of the cohort: her own version 1 does not exist
    assert client.get(f"{ACTIVITY}/versions/1/fichier").status_code == 404
    _switch(client, login, create_user(roles=Role.TUTOR, name="Autre Tuteur"))
    review = f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{submission_id}"
    assert client.get(review).status_code == 404
    assert client.get(f"{review}/fichier").status_code == 404
    assert client.post(review, data={"feedback": "Bien.", "decision": "validated"}).status_code == 404
    assert _waiting_id(app) == submission_id
