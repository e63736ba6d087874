"""A learner's answers are theirs: in « Mes données », and gone with the person when anonymised."""

import io
import json
from datetime import UTC
from datetime import datetime

from sqlalchemy import select

from app.activities.models import Submission
from app.extensions import db
from app.privacy.services import anonymise_learner
from app.privacy.xapi import export_statements
from app.progress.models import LearnerProgress

ACTIVITY = "/cours/bases/activites/mise-en-pratique"


def _answered_and_validated(app, client, login, tutored):
    client.post("/deconnexion")
    login(tutored.alice)
    client.post(ACTIVITY, data={"answer": "Mon équipe, chez Dupont, trie les devis.", "send": "1",
                                "attachment": (io.BytesIO(b"devis"), "devis.txt")}, content_type="multipart/form-data")
    client.post("/deconnexion")
    login(tutored.tutor)
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    client.post(f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{submission_id}", data={"feedback": "Alice, c'est clair.", "decision": "validated"})
    client.post("/deconnexion")
    login(tutored.alice)


def test_my_data_holds_every_version_with_its_feedback(app, client, login, tutored):
    _answered_and_validated(app, client, login, tutored)
    data = json.loads(client.get("/mes-donnees/telechargement").data)
    [answer] = data["activity_answers"]
    assert (answer["activity_slug"], answer["version"], answer["status"]) == ("mise-en-pratique", 1, "validated")
    assert (answer["answer"], answer["file_name"], answer["feedback"]) == ("Mon équipe, chez Dupont, trie les devis.", "devis.txt", "Alice, c'est clair.")


def test_anonymising_erases_the_answers_and_keeps_what_was_validated(app, client, login, tutored):
    _answered_and_validated(app, client, login, tutored)
    with app.app_context():
        anonymise_learner(tutored.alice.id, datetime(2026, 11, 20, tzinfo=UTC))
        db.session.commit()
        submission = db.session.scalar(select(Submission))
        assert (submission.answer, submission.feedback, submission.file_name, submission.file_data) == ("", None, None, None)
        assert submission.status == "validated"
        assert db.session.get(LearnerProgress, tutored.alice.id).activities_validated == 1


def test_the_xapi_export_names_the_activity_and_carries_no_free_text(app, client, login, tutored):
    _answered_and_validated(app, client, login, tutored)
    with app.app_context():
        statements = [s for s in export_statements("https://lms.example.org", "clé") if s["object"]["id"].endswith("/activity/mise-en-pratique")]
    assert [s["verb"]["id"] for s in statements] == ["http://activitystrea.ms/schema/1.0/submit", "http://adlnet.gov/expapi/verbs/scored"]
    assert statements[0]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/performance"
    assert statements[1]["result"]["success"] is True
    assert "Dupont" not in json.dumps(statements) and "clair" not in json.dumps(statements)
