"""Editing a question that learners answered: their past attempts keep the question as it was asked."""

import re

from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.quizzes.models import Question
from tests.authoring.test_quiz_editor import editor_url
from tests.authoring.test_quiz_editor import question_form
from tests.authoring.test_quiz_editor import settings_form
from tests.authoring.test_quiz_editor import signed_in_client


def _take_quiz(learner) -> str:
    """Answer the test quiz through its page, rightly; return the attempt's URL."""
    page = learner.get("/quiz/bases").text
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)
    single, multiple, true_false = dict.fromkeys(re.findall(r'name="(q\d+)"', page))  # in the page's order
    answers = {single: "b", multiple: ["a", "c"], true_false: "false"}
    response = learner.post("/quiz/bases", data={"token": token, **answers})
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_past_attempt_keeps_the_old_prompt_after_the_author_edits_and_publishes(app, client, author, create_user):
    learner = signed_in_client(app, create_user, Role.LEARNER)
    attempt_url = _take_quiz(learner)
    assert "Quelle option est juste ?" in learner.get(attempt_url).text

    edited = question_form(prompt="Quelle option est la bonne ?", explanation="Parce que B, toujours.")
    edited = {k: v for k, v in edited.items() if not k.startswith("options-")}
    edited |= {"options-0-text": "A", "options-0-feedback": "Non, pas A.", "options-1-text": "B", "options-1-correct": "y",
               "options-1-feedback": "Oui, B.", "options-2-text": "C", "options-2-feedback": "Non, pas C."}
    assert client.post(editor_url(app, "/questions/choix-unique"), data=edited).status_code == 303
    assert client.post(editor_url(app), data=settings_form(version=1, publish="Publier")).status_code == 303

    review = learner.get(attempt_url).text
    assert "Quelle option est juste ?" in review and "Parce que B." in review
    assert "Quelle option est la bonne ?" not in review and "Score : 3 / 3" in review
    assert "Quelle option est la bonne ?" in learner.get("/quiz/bases").text
    with app.app_context():
        versions = db.session.scalars(select(Question).where(Question.key == "choix-unique").order_by(Question.id)).all()
        assert [(q.prompt, q.is_archived) for q in versions] == [("Quelle option est juste ?", True), ("Quelle option est la bonne ?", False)]


def test_an_unanswered_question_is_changed_in_place(app, client, author):
    with app.app_context():
        before = db.session.scalar(select(Question.id).where(Question.key == "vrai-faux"))
    data = question_form("true_false", prompt="Cet énoncé est vrai.", answer="true", reading="seconde")
    assert client.post(editor_url(app, "/questions/vrai-faux"), data=data).status_code == 303
    assert client.post(editor_url(app), data=settings_form(version=1, publish="Publier")).status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(Question).where(Question.key == "vrai-faux")).all()
        assert [(q.id, q.prompt, q.is_archived) for q in rows] == [(before, "Cet énoncé est vrai.", False)]
