"""A signed-in person downloads everything the platform keeps about them, as a JSON file."""

import json
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.extensions import db
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import QuizAttempt
from tests.helpers import recorded_statements
from tests.privacy.conftest import COMMENT
from tests.privacy.conftest import NOTE
from tests.privacy.conftest import take_quiz

DOWNLOAD = "/mes-donnees/telechargement"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


@pytest.fixture
def camille(history, login):
    """The learner of ``history``, signed in."""
    assert login(SimpleNamespace(email=history.learner_email)).status_code == 302
    return history


def _download(client) -> dict:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return json.loads(response.data)


def _timestamps(value, key=""):
    """Yield every value of a key ending in ``_dt``, however deep."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _timestamps(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _timestamps(item, key)
    elif key.endswith("_dt") and value is not None:
        yield value


def test_the_file_is_a_json_attachment(client, camille, clock):
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="mes-donnees-2026-11-06.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["exported_dt"] == "2026-11-06T09:00:00+00:00"
    stamps = list(_timestamps(data))
    assert len(stamps) > 20 and all(ISO_UTC.match(s) for s in stamps), stamps


def test_account_enrolments_and_consent(client, camille):
    data = _download(client)
    assert data["account"] == {
        "email": "camille@example.org", "display_name": "Camille Martin", "roles": ["learner"], "is_active": True,
        "created_dt": "2026-11-02T09:00:00+00:00", "last_login_dt": "2026-11-06T09:00:00+00:00",
    }
    assert data["enrolments"] == [
        {"cohort": "Cohorte de novembre", "start_date": "2026-11-01", "end_date": "2026-11-26", "is_closed": False, "enrolled_dt": "2026-11-02T09:00:00+00:00"}
    ]
    assert data["consents"] == [{"is_given": True, "changed_dt": "2026-11-02T09:00:00+00:00"}]


def test_reading_progress_and_feedback(client, camille):
    data = _download(client)
    [progress] = data["reading_progress"]
    assert (progress["reading_slug"], progress["module"], progress["view_count"]) == ("premiere", "Les bases", 1)
    assert (progress["first_viewed_dt"], progress["completed_dt"]) == ("2026-11-02T09:00:00+00:00", "2026-11-03T09:00:00+00:00")
    assert data["reading_feedback"] == [
        {"reading_slug": "premiere", "reading": "Première lecture", "rating": "pas_clair", "comment": COMMENT, "updated_dt": "2026-11-03T09:00:00+00:00"}
    ]


def test_quiz_attempts_with_answers_and_quiz_progress(client, camille):
    data = _download(client)
    failed, passed = data["quiz_attempts"]
    assert (failed["is_passed"], failed["correct_count"], failed["submitted_dt"]) == (False, 0, "2026-11-04T09:00:00+00:00")
    assert (passed["is_passed"], passed["correct_count"], passed["question_count"], passed["score"]) == (True, 3, 3, 1.0)
    answers = {a["question_key"]: a for a in passed["answers"]}
    shown = answers["choix-unique"].pop("options_shown")
    assert answers["choix-unique"] == {"question_key": "choix-unique", "question": "Quelle option est juste ?", "response": ["b"], "response_text": ["B"],
                                       "is_correct": True, "credit": 1.0}
    assert sorted(shown, key=lambda o: o["key"]) == [{"key": "a", "text": "A"}, {"key": "b", "text": "B"}, {"key": "c", "text": "C"}]
    assert answers["vrai-faux"]["options_shown"] == [{"key": "true", "text": "Vrai"}, {"key": "false", "text": "Faux"}]
    assert answers["choix-multiple"]["response"] == ["a", "c"]
    assert answers["vrai-faux"]["response_text"] == ["Faux"]
    [best] = data["quiz_progress"]
    assert (best["quiz"], best["attempt_count"], best["best_score"], best["is_passed"]) == ("Quiz des bases", 2, 1.0, True)
    assert best["passed_dt"] == "2026-11-05T09:00:00+00:00"


def test_self_diagnostic_and_learning_events(client, camille):
    data = _download(client)
    assert [(a["phase"], a["statement_key"], a["rating"]) for a in data["diagnostic_answers"]] == [("before", "expliquer", 2), ("before", "reconnaitre", 2)]
    verbs = [e["verb"] for e in data["learning_events"]]
    assert verbs[:3] == ["experienced", "completed", "commented"]
    assert verbs.count("answered") == 6 and {"failed", "passed", "responded"} <= set(verbs)
    assert [e["id"] for e in data["learning_events"]] == sorted(e["id"] for e in data["learning_events"])


def test_alerts_contacts_and_messages(client, camille):
    data = _download(client)
    behind = [a for a in data["alerts"] if a["kind"] == "behind"]
    assert behind == [
        {"cohort": "Cohorte de novembre", "kind": "behind", "figures": {"days": 4}, "opened_dt": "2026-11-06T09:00:00+00:00",
         "updated_dt": "2026-11-06T09:00:00+00:00", "closed_dt": None, "resolved_dt": None, "snoozed_until": None}
    ]
    assert data["contacts"] == [
        {"cohort": "Cohorte de novembre", "tutor": "Théo Tuteur", "channel": "telephone", "outcome": "reached", "note": NOTE, "contacted_dt": "2026-11-06T09:00:00+00:00"}
    ]
    assert data["messages"] == [
        {"subject": "Bonjour Camille", "body": "Bonjour Camille, où en êtes-vous ?", "status": "sent", "created_dt": "2026-11-06T09:00:00+00:00", "sent_dt": "2026-11-06T09:00:00+00:00"}
    ]


def test_the_tutor_is_named_but_not_identified(client, camille):
    body = client.get(DOWNLOAD).text
    assert "Théo Tuteur" in body and "theo@example.org" not in body


def test_each_person_gets_only_their_own_data(client, history, create_user, login):
    login(create_user(email="autre@example.org", name="Autre Personne"))
    data = _download(client)
    assert data["account"]["email"] == "autre@example.org"
    assert all(data[section] == [] for section in data if section not in ("format", "exported_dt", "account"))
    body = client.get(DOWNLOAD).text
    assert "camille" not in body.lower() and COMMENT not in body


@pytest.mark.parametrize("role", [Role.TUTOR, Role.AUTHOR, Role.ADMIN, Role.LEARNER | Role.TUTOR])
def test_every_role_downloads_their_own(client, create_user, login, role):
    login(create_user(roles=role, email="staff@example.org"))
    data = _download(client)
    assert data["account"]["email"] == "staff@example.org" and data["account"]["roles"] == role.names


def test_anonymous_visitors_sign_in_first(client):
    for url in ("/mes-donnees/", DOWNLOAD):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/connexion?next=")


def test_the_page_explains_the_file_and_links_to_it(client, learner):
    page = client.get("/mes-donnees/").text
    assert "<h1>Mes données</h1>" in page
    assert f'href="{DOWNLOAD}"' in page
    for section in ("account", "enrolments", "consents", "quiz_attempts", "learning_events", "alerts", "contacts", "messages"):
        assert f"<code>{section}</code>" in page
    settings = client.get("/parametres/").text
    assert 'href="/mes-donnees/"' in settings


def test_the_file_costs_a_fixed_number_of_queries(app, client, camille):
    with recorded_statements(app) as seen:
        client.get(DOWNLOAD)
        first = len(seen)
        with app.app_context():
            take_quiz(db.session.get(User, camille.learner_id), right=True)
            db.session.commit()
        seen.clear()
        client.get(DOWNLOAD)
    assert len(seen) == first  # one more attempt, three more answers: no more queries


def test_the_options_are_listed_in_the_order_the_person_saw_them(app, client, camille):
    with app.app_context():
        stored = [[a.shown_order for a in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id).order_by(AttemptAnswer.position))]
                  for attempt_id in db.session.scalars(select(QuizAttempt.id).order_by(QuizAttempt.id))]
    exported = [[[o["key"] for o in answer["options_shown"]] for answer in attempt["answers"]] for attempt in _download(client)["quiz_attempts"]]
    assert exported == stored and len(stored) == 2
