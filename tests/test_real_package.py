"""The course package shipped in course/ and quizzes/ is valid and importable."""

from sqlalchemy import func
from sqlalchemy import select

from app.catalogue.models import Module
from app.extensions import db
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from tests.conftest import ROOT


def test_real_package_passes_check_and_imports(make_app):
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes")
    runner = app.test_cli_runner()
    check = runner.invoke(args=["course", "check"])
    assert check.exit_code == 0, check.output
    result = runner.invoke(args=["course", "import"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        modules = db.session.scalar(select(func.count(Module.id)))
        quizzes = db.session.scalar(select(func.count(Quiz.id)))
        assert modules >= 1 and quizzes == modules
        assert db.session.scalar(select(func.count(Question.id)).where(Question.is_archived.is_(False))) >= 8 * modules
