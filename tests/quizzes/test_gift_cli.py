"""``flask quiz import-gift`` and ``flask quiz export-gift``."""

import pytest
from sqlalchemy import select

from app.authoring.models import Draft
from app.catalogue.revisions import Revision
from app.extensions import db
from app.quizzes.gift import parse_gift
from app.quizzes.models import Question
from app.quizzes.models import Quiz

GIFT = "::Nouvelle::Quelle est la nouvelle question ?{=Celle-ci#Oui. ~Une autre#Non.}\n\n::Vrai::Vrai ?{T}\n"


@pytest.fixture
def gift_file(tmp_path):
    """Return a callable writing a GIFT file and returning its path."""

    def _write(text: str = GIFT, name: str = "questions.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


def _draft(app) -> Draft | None:
    with app.app_context():
        return db.session.scalar(select(Draft))


def test_import_saves_the_draft(runner, course, gift_file):
    result = runner.invoke(args=["quiz", "import-gift", gift_file(), "--module", "bases", "--reading", "seconde"])
    assert result.exit_code == 0, result.output
    assert "2 questions ajoutées au brouillon du quiz" in result.stdout and "nouvelle, vrai" in result.stdout
    draft = _draft(course)
    assert draft.author_id is None and draft.source.count('reading = "seconde"') == 4  # two new ones, two old
    with course.app_context():
        assert db.session.scalar(select(Quiz.revision)) == 1


def test_problems_are_printed_file_line_message_and_nothing_changes(runner, course, gift_file):
    path = gift_file(GIFT + "\n::Cassée::Sans fin ?{=a ~b\n\n::Titre sans fin ?{T}\n")
    result = runner.invoke(args=["quiz", "import-gift", path, "--module", "bases", "--yes"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Import annulé, rien n'a été modifié :",
        f"{path}:5: accolades {{ }} non appariées (écrivez \\{{ et \\}} pour des accolades dans le texte)",
        f"{path}:7: titre non fermé : écrivez ::titre:: avant la question",
    ]
    assert _draft(course) is None


def test_unsupported_questions_need_yes(runner, course, gift_file):
    path = gift_file(GIFT + "\n::Nombre::Combien ?{#4}\n")
    refused = runner.invoke(args=["quiz", "import-gift", path, "--module", "bases"])
    assert refused.exit_code == 1 and f"{path}:5: question « Nombre » : réponse numérique" in refused.stderr
    assert "Relancez avec --yes" in refused.stderr and _draft(course) is None
    accepted = runner.invoke(args=["quiz", "import-gift", path, "--module", "bases", "--yes"])
    assert accepted.exit_code == 0, accepted.output
    assert f"{path}:5: ignorée : question « Nombre »" in accepted.stderr and "2 questions" in accepted.stdout
    assert _draft(course) is not None


def test_publish_shows_the_questions_to_learners_at_once(runner, course, gift_file):
    result = runner.invoke(args=["quiz", "import-gift", gift_file(), "--module", "bases", "--publish"])
    assert result.exit_code == 0, result.output
    assert "2 questions publiées (révision 2)" in result.stdout
    with course.app_context():
        assert "nouvelle" in db.session.scalars(select(Question.key).where(Question.is_archived.is_(False))).all()
        assert db.session.scalar(select(Revision.author_id).where(Revision.kind == "quiz", Revision.number == 2)) is None
    assert _draft(course) is None


@pytest.mark.parametrize(("args", "message"), [
    (["--module", "inconnu"], "Aucun quiz pour le module « inconnu »."),
    (["--module", "bases", "--reading", "inconnue"], "lecture inconnue pour ce module : inconnue"),
])
def test_unknown_module_or_reading(runner, course, gift_file, args, message):
    result = runner.invoke(args=["quiz", "import-gift", gift_file(), *args])
    assert result.exit_code == 1 and message in result.stderr
    assert _draft(course) is None


def test_a_file_not_in_utf8_is_refused(runner, course, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Été ?{T}".encode("latin-1"))
    result = runner.invoke(args=["quiz", "import-gift", str(path), "--module", "bases"])
    assert result.exit_code == 1 and "n'est pas en UTF-8" in result.stderr


def test_export_to_stdout_or_to_a_file(runner, course, tmp_path):
    result = runner.invoke(args=["quiz", "export-gift", "--module", "bases"])
    assert result.exit_code == 0
    parsed = parse_gift(result.stdout)
    assert parsed.problems == [] and [q.title for q in parsed.questions] == ["choix-unique", "choix-multiple", "vrai-faux"]
    output = tmp_path / "bases.gift.txt"
    result = runner.invoke(args=["quiz", "export-gift", "--module", "bases", "--output", str(output)])
    assert result.exit_code == 0 and output.read_text(encoding="utf-8") == runner.invoke(args=["quiz", "export-gift", "--module", "bases"]).stdout


def test_export_then_import_round_trip(runner, course, tmp_path):
    output = tmp_path / "bases.gift.txt"
    runner.invoke(args=["quiz", "export-gift", "--module", "bases", "--output", str(output)])
    result = runner.invoke(args=["quiz", "import-gift", str(output), "--module", "bases", "--publish"])
    assert result.exit_code == 0, result.output
    with course.app_context():
        questions = db.session.scalars(select(Question).where(Question.is_archived.is_(False)).order_by(Question.position)).all()
        originals, copies = questions[:3], questions[3:]
        assert [q.key for q in copies] == ["choix-unique-2", "choix-multiple-2", "vrai-faux-2"]
        for original, copy in zip(originals, copies, strict=True):
            assert (copy.type, copy.prompt, copy.explanation, copy.data) == (original.type, original.prompt, original.explanation, original.data)
