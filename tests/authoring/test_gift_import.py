"""Importing GIFT into a quiz's draft, all or nothing, and exporting a quiz as GIFT (the services)."""

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from app.authoring.gift import GiftRefused
from app.authoring.gift import export_gift
from app.authoring.gift import import_gift
from app.authoring.models import Draft
from app.authoring.services import find_item
from app.authoring.services import save_draft
from app.authoring.services import working_copy
from app.authoring.sources import quiz_values
from app.catalogue.models import Reading
from app.catalogue.revisions import Revision
from app.contentfile import ContentInvalid
from app.extensions import db
from app.quizzes.gift import DEFAULT_RIGHT_FEEDBACK
from app.quizzes.gift import parse_gift
from app.quizzes.models import Question
from app.quizzes.models import Quiz

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

GIFT = """\
$CATEGORY: Bases

::Nouvelle::Quelle est la nouvelle question ?{=Celle-ci#Oui. ~Une autre#Non.}

::choix-unique::Un titre déjà pris dans le quiz.{TRUE}
"""
UNSUPPORTED = GIFT + "\n::Nombre::Combien ?{#3}\n"


@pytest.fixture
def quiz_item(course):
    """The test package's quiz, as an authoring item, inside an app context."""
    with course.app_context():
        quiz_id = db.session.scalar(select(Quiz.id))
        yield find_item("quiz", quiz_id)


def _import(item, text=GIFT, **options):
    options = {"reading": "premiere", "skip_unsupported": False, "author_id": None, "now": NOW} | options
    return import_gift(item, text, **options)


def _draft_questions(item) -> list[dict]:
    return quiz_values(working_copy(item).source)["questions"]


def test_the_questions_are_added_to_the_draft_only(quiz_item):
    published = quiz_item.row.source
    done = _import(quiz_item)
    db.session.commit()
    assert done.keys == ["nouvelle", "choix-unique-2"] and not done.published and done.skipped == []
    draft = db.session.scalar(select(Draft))
    assert draft.source.startswith(published.rstrip("\n") + "\n\n[[questions]]\nid = \"nouvelle\"")  # the text above is kept as it was
    questions = _draft_questions(quiz_item)
    assert [q["id"] for q in questions] == ["choix-unique", "choix-multiple", "vrai-faux", "nouvelle", "choix-unique-2"]
    assert questions[3] == {"id": "nouvelle", "type": "single_choice", "prompt": "Quelle est la nouvelle question ?",
                            "explanation": questions[3]["explanation"], "reading": "premiere",
                            "options": [{"text": "Celle-ci", "correct": True, "feedback": "Oui."}, {"text": "Une autre", "feedback": "Non."}]}
    assert questions[4]["feedback_true"] == DEFAULT_RIGHT_FEEDBACK
    # published quiz untouched: learners see the three questions they saw
    assert quiz_item.row.source == published and quiz_item.row.revision == 1
    assert db.session.scalars(select(Question.key).where(Question.is_archived.is_(False))).all() == ["choix-unique", "choix-multiple", "vrai-faux"]


def test_an_import_adds_to_an_existing_draft(quiz_item):
    _import(quiz_item)
    done = _import(quiz_item, "::Encore::Encore une ?{F}")
    assert done.keys == ["encore"]
    assert db.session.scalar(select(Draft.version)) == 2
    assert [q["id"] for q in _draft_questions(quiz_item)][-3:] == ["nouvelle", "choix-unique-2", "encore"]


def test_syntax_problems_refuse_everything(quiz_item):
    with pytest.raises(GiftRefused) as refused:
        _import(quiz_item, GIFT + "\n::Cassée::Sans fin ?{=a ~b\n")
    assert [(p.line, p.unsupported) for p in refused.value.problems] == [(7, False)] and not refused.value.needs_confirmation
    assert db.session.scalar(select(Draft)) is None


def test_unsupported_questions_need_the_authors_agreement(quiz_item):
    with pytest.raises(GiftRefused) as refused:
        _import(quiz_item, UNSUPPORTED)
    assert refused.value.needs_confirmation and [p.line for p in refused.value.problems] == [7]
    assert db.session.scalar(select(Draft)) is None
    done = _import(quiz_item, UNSUPPORTED, skip_unsupported=True)
    assert done.keys == ["nouvelle", "choix-unique-2"] and [p.line for p in done.skipped] == [7]


def test_nothing_to_import_and_unknown_readings_are_refused(quiz_item):
    with pytest.raises(GiftRefused, match="1 problème"):
        _import(quiz_item, "// rien\n")
    with pytest.raises(GiftRefused) as refused:
        _import(quiz_item, reading="inconnue")
    assert "lecture inconnue pour ce module : inconnue (lectures du module : premiere, seconde)" in refused.value.problems[0].message
    assert db.session.scalar(select(Draft)) is None


def test_the_reading_defaults_to_the_modules_first(quiz_item):
    assert _import(quiz_item, reading=None).reading == "premiere"


def test_an_invalid_result_saves_nothing(quiz_item):
    # an existing question names a reading archived since: the whole quiz fails its checks
    db.session.scalar(select(Reading).where(Reading.slug == "seconde")).is_archived = True
    db.session.flush()
    with pytest.raises(ContentInvalid) as invalid:
        _import(quiz_item)
    assert any("seconde" in str(e) for e in invalid.value.errors)
    assert db.session.scalar(select(Draft)) is None


def test_new_ids_avoid_archived_questions(quiz_item):
    db.session.add(Question(quiz_id=quiz_item.row.id, key="nouvelle", type="true_false", prompt="Ancienne", explanation="E",
                            reading_id=db.session.scalar(select(Reading.id)), data={}, position=9, is_archived=True))
    db.session.flush()
    assert _import(quiz_item).keys == ["nouvelle-2", "choix-unique-2"]


def test_publishing_at_once_shows_the_questions_to_learners(quiz_item):
    done = _import(quiz_item, publish_now=True)
    db.session.commit()
    assert done.published and quiz_item.row.revision == 2
    live = db.session.scalars(select(Question.key).where(Question.is_archived.is_(False)).order_by(Question.position)).all()
    assert live == ["choix-unique", "choix-multiple", "vrai-faux", "nouvelle", "choix-unique-2"]
    revision = db.session.scalar(select(Revision).where(Revision.kind == "quiz", Revision.number == 2))
    assert revision.author_id is None and revision.origin == "edit"
    assert db.session.scalar(select(Draft)) is None


def test_publishing_at_once_publishes_the_whole_draft(quiz_item):
    working = working_copy(quiz_item)
    save_draft(quiz_item, working.source.replace("Quiz des bases", "Quiz des bases revu"), version=0, base=1, author_id=None, now=NOW)
    _import(quiz_item, publish_now=True)
    assert quiz_item.row.title == "Quiz des bases revu"


def test_export_writes_the_published_quiz_that_imports_back(quiz_item):
    text = export_gift(quiz_item.row)
    assert text.startswith("// Quiz des bases (module bases, révision 1)\n")
    assert "$CATEGORY: Quiz des bases\n" in text and "::choix-multiple::[markdown]Quelles options sont justes ?{" in text
    result = parse_gift(text)
    assert result.problems == [] and [q.title for q in result.questions] == ["choix-unique", "choix-multiple", "vrai-faux"]
    assert _import(quiz_item, text).keys == ["choix-unique-2", "choix-multiple-2", "vrai-faux-2"]
    questions = _draft_questions(quiz_item)
    for before, after in zip(questions[:3], questions[3:], strict=True):  # the same questions, but for the id and the reading
        assert {k: v for k, v in after.items() if k not in ("id", "reading")} == {k: v for k, v in before.items() if k not in ("id", "reading")}
