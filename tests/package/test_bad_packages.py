"""A broken package gives named errors (file and line) and imports nothing."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.quizzes.models import Question


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def missing_field(pkg):
    _edit(pkg / "course/01-bases/02-seconde.md", 'title = "Seconde lecture"\n', "")
    return "course/01-bases/02-seconde.md", "champ obligatoire manquant : title"


def duplicate_slug(pkg):
    _edit(pkg / "course/01-bases/02-seconde.md", 'slug = "seconde"', 'slug = "premiere"')
    return "course/01-bases/02-seconde.md", "lecture en double : 'premiere'"


def no_correct_answer(pkg):
    _edit(pkg / "quizzes/bases.toml", 'text = "B"\ncorrect = true\n', 'text = "B"\n')
    return "quizzes/bases.toml:7", "exactement une option correcte (trouvé : 0)"


def broken_front_matter(pkg):
    _edit(pkg / "course/01-bases/01-premiere.md", "+++\n\n## Premier", "\n## Premier")
    return "course/01-bases/01-premiere.md:1", "en-tête non fermé"


def toml_syntax_error(pkg):
    _edit(pkg / "quizzes/bases.toml", 'title = "Quiz des bases"', 'title = "Quiz des bases')
    return "quizzes/bases.toml:3", "TOML invalide"


def unknown_question_type(pkg):
    _edit(pkg / "quizzes/bases.toml", 'type = "true_false"', 'type = "essay"')
    return "quizzes/bases.toml:50", "type de question inconnu : 'essay'"


def unknown_reading(pkg):
    _edit(pkg / "quizzes/bases.toml", 'reading = "premiere"', 'reading = "absente"')
    return "quizzes/bases.toml:12", "lecture inconnue 'absente'"


def bad_minutes(pkg):
    _edit(pkg / "course/01-bases/module.toml", "estimated_minutes = 25", 'estimated_minutes = "vingt"')
    return "course/01-bases/module.toml:5", "estimated_minutes doit être un nombre entier"


def unknown_key(pkg):
    _edit(pkg / "course/01-bases/01-premiere.md", 'slug = "premiere"', 'slug = "premiere"\nauthor = "X"')
    return "course/01-bases/01-premiere.md:3", "champ inconnu : author"


def unsupported_version(pkg):
    _edit(pkg / "quizzes/bases.toml", "version = 1", "version = 2")
    return "quizzes/bases.toml:1", "version de format non prise en charge"


def module_without_quiz(pkg):
    (pkg / "quizzes/bases.toml").unlink()
    return "course/01-bases/module.toml", "n'a pas de quiz"


def skipped_heading_level(pkg):
    _edit(pkg / "course/01-bases/01-premiere.md", "## Premier titre", "### Premier titre")
    return "course/01-bases/01-premiere.md:8", "niveau de titre sauté : ### après #"


def level_one_heading(pkg):
    _edit(pkg / "course/01-bases/02-seconde.md", "## Second titre", "# Second titre")
    return "course/01-bases/02-seconde.md:11", "titre de niveau 1 interdit"


BREAKAGES = [
    skipped_heading_level, level_one_heading,
    missing_field, duplicate_slug, no_correct_answer, broken_front_matter, toml_syntax_error,
    unknown_question_type, unknown_reading, bad_minutes, unknown_key, unsupported_version, module_without_quiz,
]


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Module, Reading, Question))


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__)
def test_check_names_file_and_line(package_app, package_dir, breakage):
    where, message = breakage(package_dir)
    result = package_app.test_cli_runner().invoke(args=["course", "check"])
    assert result.exit_code == 1
    assert any(line.startswith(where) and message in line for line in result.output.splitlines()), result.output


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__)
def test_import_of_a_broken_package_changes_nothing(package_app, package_dir, breakage):
    runner = package_app.test_cli_runner()
    assert runner.invoke(args=["course", "import"]).exit_code == 0
    with package_app.app_context():
        before = _counts()
        sources = sorted(db.session.scalars(select(Reading.source)))
    _edit(package_dir / "course/01-bases/01-premiere.md", "Un paragraphe", "Un paragraphe modifié")
    breakage(package_dir)
    result = runner.invoke(args=["course", "import"])
    assert result.exit_code == 1
    assert "rien n'a été modifié" in result.output
    with package_app.app_context():
        assert _counts() == before
        assert sorted(db.session.scalars(select(Reading.source))) == sources


def test_import_into_an_empty_database_writes_nothing_when_broken(package_app, package_dir):
    duplicate_slug(package_dir)
    assert package_app.test_cli_runner().invoke(args=["course", "import"]).exit_code == 1
    with package_app.app_context():
        assert _counts() == (0, 0, 0)


def test_check_reports_every_error_at_once(package_app, package_dir):
    missing_field(package_dir)
    unknown_question_type(package_dir)
    result = package_app.test_cli_runner().invoke(args=["course", "check"])
    assert "2 erreurs" in result.output


def test_valid_package_passes_check(package_app):
    result = package_app.test_cli_runner().invoke(args=["course", "check"])
    assert result.exit_code == 0
    assert "Paquet valide : 1 modules, 2 lectures, 1 quiz, 3 questions." in result.output
