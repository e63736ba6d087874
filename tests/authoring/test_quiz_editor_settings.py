"""The quiz editor's switches: options shuffled per attempt (on by default) and partial credit (off)."""

import re

from sqlalchemy import select

from app.authoring.models import Draft
from app.extensions import db
from app.quizzes.models import Quiz
from tests.authoring.test_quiz_editor import editor_url
from tests.authoring.test_quiz_editor import quiz_id
from tests.authoring.test_quiz_editor import settings_form


def _checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return "checked" in tag


def _draft_source(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Draft.source).where(Draft.kind == "quiz"))


def test_the_editor_shows_the_defaults(app, client, author):
    page = client.get(editor_url(app)).text
    assert _checked(page, "shuffle_options") and not _checked(page, "partial_credit")


def test_switches_are_written_to_the_file_and_published(app, client, author):
    data = settings_form(version=0, partial_credit="y", save="Enregistrer")
    del data["shuffle_options"]  # the box unticked: the browser sends nothing
    assert client.post(editor_url(app), data=data).status_code == 303
    source = _draft_source(app)
    assert "shuffle_options = false\n" in source and "partial_credit = true\n" in source
    assert source.index("partial_credit") < source.index("[[questions]]")
    page = client.get(editor_url(app)).text
    assert not _checked(page, "shuffle_options") and _checked(page, "partial_credit")
    publish = settings_form(version=1, partial_credit="y", publish="Publier")
    del publish["shuffle_options"]
    assert client.post(editor_url(app), data=publish).status_code == 303
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id(app))
        assert (quiz.shuffle_options, quiz.partial_credit) == (False, True)


def test_defaults_left_alone_add_nothing_to_the_file(app, client, author):
    client.post(editor_url(app), data=settings_form(version=0, title="Quiz des bases, revu", save="Enregistrer"))
    source = _draft_source(app)
    assert "shuffle_options" not in source and "partial_credit" not in source
    assert 'title = "Quiz des bases, revu"' in source
