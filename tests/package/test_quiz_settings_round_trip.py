"""A quiz file's settings go through import and export unchanged, byte for byte."""

from sqlalchemy import select

from app.extensions import db
from app.quizzes.models import Quiz


def test_settings_are_imported_and_exported_byte_identical(make_app, package_dir, tmp_path):
    path = package_dir / "quizzes" / "bases.toml"
    text = path.read_text(encoding="utf-8").replace("estimated_minutes = 5\n", "estimated_minutes = 5\nshuffle_options = false\npartial_credit = true\n", 1)
    path.write_text(text, encoding="utf-8")
    app = make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["course", "import"]).exit_code == 0
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        assert (quiz.shuffle_options, quiz.partial_credit) == (False, True)
    result = runner.invoke(args=["course", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "quizzes" / "bases.toml").read_bytes() == path.read_bytes()
