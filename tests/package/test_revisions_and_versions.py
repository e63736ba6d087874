"""Imports keep every published text as a revision; a question changed after learners answered it is versioned."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.catalogue.revisions import Revision
from app.extensions import db
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt
from tests.package.test_import_export import _run


def _revisions(app):
    with app.app_context():
        return sorted((r.kind, r.number) for r in db.session.scalars(select(Revision)))


def test_an_import_keeps_a_revision_only_where_a_file_changed(package_app, package_dir):
    _run(package_app, "course", "import")
    assert _revisions(package_app) == [("module", 1), ("quiz", 1), ("reading", 1), ("reading", 1)]
    _run(package_app, "course", "import")
    assert len(_revisions(package_app)) == 4
    reading = package_dir / "course" / "01-bases" / "01-premiere.md"
    reading.write_text(reading.read_text(encoding="utf-8") + "\nUn paragraphe de plus.\n", encoding="utf-8")
    _run(package_app, "course", "import")
    assert ("reading", 2) in _revisions(package_app)
    with package_app.app_context():
        latest = db.session.scalar(select(Revision).where(Revision.kind == "reading", Revision.number == 2))
        assert latest.source.endswith("Un paragraphe de plus.\n") and latest.origin == "import" and latest.author_id is None


def _answer(app, user_id):
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).options(selectinload(Quiz.questions)))
        submit_attempt(db.session.get(User, user_id), quiz, {}, new_attempt_token())
        db.session.commit()


def _edit_prompt(package_dir, old, new):
    path = package_dir / "quizzes" / "bases.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_answered_question_changed_is_kept_for_past_attempts(package_app, package_dir, create_user):
    _run(package_app, "course", "import")
    learner = create_user()
    _answer(package_app, learner.id)
    _edit_prompt(package_dir, "Quelle option est juste ?", "Quelle option est la bonne ?")
    _run(package_app, "course", "import")
    with package_app.app_context():
        versions = db.session.scalars(select(Question).where(Question.prompt.in_(["Quelle option est juste ?", "Quelle option est la bonne ?"])).order_by(Question.id)).all()
        assert [(q.prompt, q.is_archived) for q in versions] == [("Quelle option est juste ?", True), ("Quelle option est la bonne ?", False)]
        assert versions[0].key == versions[1].key
        answered = db.session.scalars(select(AttemptAnswer.question_id)).all()
        assert versions[0].id in answered and versions[1].id not in answered


def test_an_unanswered_question_is_changed_in_place(package_app, package_dir):
    _run(package_app, "course", "import")
    with package_app.app_context():
        before = db.session.scalar(select(Question.id).where(Question.prompt == "Quelle option est juste ?"))
    _edit_prompt(package_dir, "Quelle option est juste ?", "Quelle option est la bonne ?")
    _run(package_app, "course", "import")
    with package_app.app_context():
        assert db.session.scalar(select(Question.id).where(Question.prompt == "Quelle option est la bonne ?")) == before
