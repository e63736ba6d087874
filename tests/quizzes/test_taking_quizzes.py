"""Taking a quiz: server grading, feedback, retries, best attempt, double submission."""

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import QuizProgress
from app.quizzes.models import Question
from app.quizzes.models import QuizAttempt
from app.quizzes.question_types import QUESTION_TYPES


def _answers(app, right: bool) -> dict:
    """Build form data answering every question right (or every question wrong)."""
    data = {}
    with app.app_context():
        for question in db.session.scalars(select(Question).where(Question.is_archived.is_(False))):
            choices = QUESTION_TYPES[question.type].choices(question.data)
            keys = [c.key for c in choices if c.is_correct == right]
            data[f"q{question.id}"] = keys if question.type == "multiple_choice" else keys[0]
    return data


def _token(client) -> str:
    return re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', client.get("/quiz/bases").text).group(1)


def _submit(client, app, right: bool, token: str | None = None):
    return client.post("/quiz/bases", data={"token": token or _token(client), **_answers(app, right)})


def test_quiz_page_lists_every_question(client, learner):
    page = client.get("/quiz/bases").text
    for prompt in ("Quelle option est juste ?", "Quelles options sont justes ?", "Cet énoncé est faux."):
        assert prompt in page
    assert 'type="checkbox"' in page and 'type="radio"' in page
    assert "Vrai" in page and "Faux" in page


def test_failed_attempt_shows_feedback_explanation_and_reading_link(client, app, learner):
    response = _submit(client, app, right=False)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Score : 0 / 3 (0 %)" in page
    assert "Quiz non réussi" in page
    assert "Non, pas A." in page or "Non, pas C." in page
    assert "Oui, B." in page  # feedback on the right option the learner missed
    assert "Parce que B." in page
    assert 'href="/cours/bases/premiere"' in page


def test_retry_pass_and_best_attempt_counts(client, app, learner):
    _submit(client, app, right=False)
    response = _submit(client, app, right=True)
    page = client.get(response.headers["Location"]).text
    assert "Score : 3 / 3 (100 %)" in page and "Quiz réussi" in page
    _submit(client, app, right=False)
    with app.app_context():
        progress = db.session.scalar(select(QuizProgress))
        assert (progress.attempt_count, progress.best_score, progress.is_passed) == (3, 1.0, True)
        assert progress.failures_count == 1
        assert db.session.get(LearnerProgress, learner.id).quizzes_passed == 1
        verbs = [e.verb for e in db.session.scalars(select(LearningEvent).where(LearningEvent.object_type == "quiz").order_by(LearningEvent.id))]
        assert verbs == ["failed", "passed", "failed"]
    history = client.get("/quiz/bases").text
    assert history.count("Non réussi") == 2 and "Réussi" in history
    assert "100 %" in client.get("/parcours/").text


def test_same_form_submitted_twice_counts_once(client, app, learner):
    token = _token(client)
    first = _submit(client, app, right=True, token=token)
    second = _submit(client, app, right=False, token=token)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
        assert db.session.scalar(select(QuizProgress.attempt_count)) == 1
        assert db.session.scalar(select(func.count(LearningEvent.id)).where(LearningEvent.verb == "answered")) == 3


def test_unanswered_questions_give_the_form_back(client, app, learner):
    data = _answers(app, right=True)
    data.pop(next(iter(data)))
    response = client.post("/quiz/bases", data={"token": _token(client), **data})
    assert response.status_code == 400
    assert "Choisissez une réponse." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_form_without_a_valid_token_is_given_back_with_a_fresh_one(client, app, learner, token):
    data = _answers(app, right=True)
    response = client.post("/quiz/bases", data={**data, "token": token})
    assert response.status_code == 400
    assert "le formulaire est arrivé incomplet" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0
    fresh = re.search(r'name="token" type="hidden" value="([^"]+)"', response.text).group(1)
    assert fresh != token
    assert client.post("/quiz/bases", data={**data, "token": fresh}).status_code == 303


def test_an_answer_to_an_unknown_question_is_ignored(client, app, learner):
    data = {"token": _token(client), **_answers(app, right=True), "q999": "a"}
    response = client.post("/quiz/bases", data=data)
    assert response.status_code == 303
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.points, attempt.question_count) == (3, 3)
        assert db.session.scalar(select(func.count(LearningEvent.id)).where(LearningEvent.verb == "answered")) == 3


def test_invalid_option_value_is_refused(client, app, learner):
    data = _answers(app, right=True)
    first = next(k for k, v in data.items() if isinstance(v, str))
    data[first] = "zzz"
    response = client.post("/quiz/bases", data={"token": _token(client), **data})
    assert response.status_code == 400


def test_attempts_of_others_are_not_visible(client, app, learner, create_user, login):
    location = _submit(client, app, right=True).headers["Location"]
    client.post("/deconnexion")
    login(create_user())
    assert client.get(location).status_code == 404


def test_the_quiz_page_shows_each_option_with_its_text_and_value(client, learner):
    page = client.get("/quiz/bases").text
    shown = re.findall(r'name="q\d+" required type="(\w+)" value="(\w+)"> <label for="q\d+-\d">([^<]+)</label>', page)
    assert sorted(shown) == sorted([
        ("radio", "a", "A"), ("radio", "b", "B"), ("radio", "c", "C"),
        ("checkbox", "a", "A"), ("checkbox", "b", "B"), ("checkbox", "c", "C"),
        ("radio", "true", "Vrai"), ("radio", "false", "Faux"),
    ])


@pytest.mark.parametrize(("position", "message"), [
    (0, "Choisissez une réponse."), (1, "Cochez au moins une réponse."), (2, "Choisissez Vrai ou Faux."),
])
def test_each_unanswered_question_is_named_with_its_own_message(client, app, learner, position, message):
    data = _answers(app, right=True)
    data.pop(sorted(data, key=lambda name: int(name[1:]))[position])
    response = client.post("/quiz/bases", data={"token": _token(client), **data})
    assert response.status_code == 400 and response.text.count(message) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0


def test_the_review_gives_the_true_false_feedback_of_the_answer_chosen_and_of_the_right_one(client, app, learner):
    wrong = client.get(_submit(client, app, right=False).headers["Location"]).text
    assert "Non : il est faux." in wrong and "Oui : il est faux." in wrong
    right = client.get(_submit(client, app, right=True).headers["Location"]).text
    assert "Oui : il est faux." in right and "Non : il est faux." not in right
