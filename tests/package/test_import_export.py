"""Importing is an idempotent upsert by slug; exporting writes the package back exactly."""

import filecmp
import shutil

from sqlalchemy import select

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import ReadingProgress
from app.quizzes.models import Question
from tests.conftest import ROOT


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _package_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name != "README.md")


def _assert_same_tree(expected_root, actual_root):
    expected = _package_files(expected_root)
    assert expected == _package_files(actual_root)
    for rel in expected:
        assert filecmp.cmp(expected_root / rel, actual_root / rel, shallow=False), rel


def test_import_is_idempotent(package_app):
    assert "Créés : 3" not in _run(package_app, "course", "import")
    output = _run(package_app, "course", "import")
    assert "Créés : 0 ; mis à jour : 0 ; archivés : 0" in output
    with package_app.app_context():
        assert {r.revision for r in db.session.scalars(select(Reading))} == {1}


def test_a_changed_file_gets_a_new_revision(package_app, package_dir):
    _run(package_app, "course", "import")
    path = package_dir / "course/01-bases/01-premiere.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Un paragraphe", "Un nouveau paragraphe"), encoding="utf-8")
    assert "mis à jour : 1" in _run(package_app, "course", "import")
    with package_app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        assert reading.revision == 2
        assert "Un nouveau paragraphe" in reading.body_html


def test_learner_progress_survives_reimport_and_removal(package_app, package_dir, create_user):
    _run(package_app, "course", "import")
    user = create_user()
    with package_app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "seconde"))
        db.session.add(ReadingProgress(user_id=user.id, reading_id=reading.id, view_count=1))
        db.session.commit()
    (package_dir / "course/01-bases/02-seconde.md").unlink()
    quiz = package_dir / "quizzes/bases.toml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace('reading = "seconde"', 'reading = "premiere"'), encoding="utf-8")
    assert "archivés : 1" in _run(package_app, "course", "import")
    with package_app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "seconde"))
        assert reading.is_archived
        assert db.session.get(ReadingProgress, (user.id, reading.id)) is not None
    shutil.copy(ROOT / "tests/data/course/01-bases/02-seconde.md", package_dir / "course/01-bases/02-seconde.md")
    _run(package_app, "course", "import")
    with package_app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "seconde"))
        assert not reading.is_archived
        assert db.session.get(ReadingProgress, (user.id, reading.id)).view_count == 1


def test_removed_question_is_archived_not_deleted(package_app, package_dir):
    _run(package_app, "course", "import")
    quiz = package_dir / "quizzes/bases.toml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text[: text.index('[[questions]]\nid = "vrai-faux"')], encoding="utf-8")
    _run(package_app, "course", "import")
    with package_app.app_context():
        archived = db.session.scalar(select(Question).where(Question.key == "vrai-faux"))
        assert archived.is_archived


def test_export_reproduces_the_test_package(package_app, package_dir, tmp_path):
    _run(package_app, "course", "import")
    _run(package_app, "course", "export", str(tmp_path / "out"))
    _assert_same_tree(package_dir, tmp_path / "out")


def test_export_reproduces_the_real_package(make_app, tmp_path):
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes")
    _run(app, "course", "import")
    _run(app, "course", "export", str(tmp_path / "out"))
    for folder in ("course", "quizzes"):
        expected = ROOT / folder
        assert _package_files(expected) == _package_files(tmp_path / "out" / folder)
        for rel in _package_files(expected):
            assert filecmp.cmp(expected / rel, tmp_path / "out" / folder / rel, shallow=False), rel


def test_markdown_is_rendered_and_sanitised_at_import(package_app, package_dir):
    path = package_dir / "course/01-bases/01-premiere.md"
    path.write_text(path.read_text(encoding="utf-8") + '\n<script>alert(1)</script> <a href="javascript:alert(1)" onclick="x()">x</a>\n', encoding="utf-8")
    _run(package_app, "course", "import")
    with package_app.app_context():
        html = db.session.scalar(select(Reading.body_html).where(Reading.slug == "premiere"))
    assert "<strong>emphase</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_module_order_follows_folder_prefix(package_app, package_dir):
    shutil.copytree(package_dir / "course/01-bases", package_dir / "course/00-avant")
    module = package_dir / "course/00-avant/module.toml"
    module.write_text(module.read_text(encoding="utf-8").replace('slug = "bases"', 'slug = "avant"'), encoding="utf-8")
    for name in ("01-premiere.md", "02-seconde.md"):
        path = package_dir / "course/00-avant" / name
        path.write_text(path.read_text(encoding="utf-8").replace('slug = "', 'slug = "avant-', 1), encoding="utf-8")
    quiz = (package_dir / "quizzes/bases.toml").read_text(encoding="utf-8").replace('module = "bases"', 'module = "avant"')
    (package_dir / "quizzes/avant.toml").write_text(quiz, encoding="utf-8")
    _run(package_app, "course", "import")
    with package_app.app_context():
        assert list(db.session.scalars(select(Module.slug).order_by(Module.position))) == ["avant", "bases"]
