"""GIFT files (Moodle's quiz format) in and out of a module's quiz. They flush; the caller commits.

An import appends the file's questions to the quiz's working copy (its draft, else its published
text) and saves the result as the quiz's draft, validated by the quiz file parser like any save:
learners see nothing until an author publishes it (in the quiz editor, or directly when the
author asks for it). It is all or nothing: a syntax problem, an unsupported question the author
did not agree to skip, or an invalid result, and nothing is written.
"""

import tomllib
from dataclasses import dataclass
from datetime import datetime

import tomli_w
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.authoring.services import Item
from app.authoring.services import publish
from app.authoring.services import save_draft
from app.authoring.services import working_copy
from app.authoring.sources import quiz_source
from app.authoring.sources import quiz_values
from app.catalogue.models import Reading
from app.extensions import db
from app.quizzes.gift import GiftProblem
from app.quizzes.gift import parse_gift
from app.quizzes.gift import to_question_tables
from app.quizzes.gift import write_gift
from app.quizzes.models import Question
from app.quizzes.models import Quiz


class GiftRefused(Exception):
    """Nothing was imported; ``problems`` says why, each with its line in the GIFT text.

    ``needs_confirmation`` is set when the only problems are unsupported questions: importing the
    others is possible once the author agrees to skip them.
    """

    def __init__(self, problems: list[GiftProblem], needs_confirmation: bool = False):
        super().__init__(ngettext("%(num)d problème dans le texte GIFT", "%(num)d problèmes dans le texte GIFT", len(problems)))
        self.problems, self.needs_confirmation = problems, needs_confirmation


@dataclass(frozen=True)
class GiftImport:
    """What an import did."""

    #: Ids of the questions added, in order.
    keys: list[str]
    #: Unsupported questions left out (with the author's agreement).
    skipped: list[GiftProblem]
    #: True when the quiz was published, False when only its draft was saved.
    published: bool
    reading: str
    #: Said when the quiz would grade the imported questions otherwise than Moodle does.
    grading_note: str | None = None


def quiz_readings(quiz: Quiz) -> list[Reading]:
    """Return the readings an imported question may point to: the quiz's module's live readings, in order."""
    query = select(Reading).where(Reading.module_id == quiz.module_id, Reading.is_archived.is_(False)).order_by(Reading.position)
    return list(db.session.scalars(query))


def import_gift(item: Item, text: str, *, reading: str | None, skip_unsupported: bool, author_id: int | None,
                now: datetime, publish_now: bool = False) -> GiftImport:
    """Append a GIFT text's questions to a quiz and save it as the quiz's draft (or publish it).

    :param reading: slug of the reading every imported question points to; ``None``: the module's first reading.
    :param skip_unsupported: the author agreed to import the other questions when some are unsupported.
    :param author_id: ``None`` for a command-line import.
    :param publish_now: publish the whole working copy (draft included) instead of saving the draft.
    :raise GiftRefused: for syntax problems, unconfirmed unsupported questions, no question or an unknown reading.
    :raise ContentInvalid: if the resulting quiz file does not pass the quiz checks.
    :raise EditConflict: if another author saved or published the quiz meanwhile.
    """
    quiz = item.row
    reading = _reading_slug(quiz, reading)
    result = parse_gift(text)
    if result.syntax_problems:
        raise GiftRefused(result.syntax_problems)
    if result.unsupported and not skip_unsupported:
        raise GiftRefused(result.unsupported, needs_confirmation=True)
    if not result.questions:
        raise GiftRefused([GiftProblem(None, _("aucune question à importer"))])
    working = working_copy(item)
    values = quiz_values(working.source)
    existing = values.get("questions", [])
    tables = to_question_tables(result.questions, reading, _taken_keys(quiz, existing))
    source = append_questions(working.source, values, tables)
    if publish_now:
        publish(item, source, version=working.version, base=working.base, author_id=author_id)
    else:
        save_draft(item, source, version=working.version, base=working.base, author_id=author_id, now=now)
    return GiftImport([t["id"] for t in tables], result.unsupported, publish_now, reading, _grading_note(result.questions, values))


def _grading_note(questions, values: dict) -> str | None:
    """Moodle grades multiple-answer questions by their weights: say so when this quiz grades all or nothing."""
    if values.get("partial_credit", False) or not any(q.type == "multiple_choice" for q in questions):
        return None
    return _("Moodle donne un crédit partiel aux questions à plusieurs réponses ; ce quiz les note en tout ou rien. "
             "Cochez « Crédit partiel pour les questions à plusieurs réponses » dans les réglages du quiz pour les noter comme Moodle.")


def _reading_slug(quiz: Quiz, slug: str | None) -> str:
    readings = quiz_readings(quiz)
    if slug is None and readings:
        return readings[0].slug
    if slug is None or slug not in {r.slug for r in readings}:
        names = ", ".join(r.slug for r in readings) or _("aucune")
        message = _("lecture inconnue pour ce module : %(slug)s (lectures du module : %(names)s)", slug=slug or _("(aucune)"), names=names)
        raise GiftRefused([GiftProblem(None, message)])
    return slug


def _taken_keys(quiz: Quiz, existing: list[dict]) -> set[str]:
    """Ids in the working copy and ids of archived questions (new questions must not take them over)."""
    archived = db.session.scalars(select(Question.key).where(Question.quiz_id == quiz.id))
    return {q.get("id") for q in existing} | set(archived)


def append_questions(source: str, values: dict, tables: list[dict]) -> str:
    """Add question tables at the end of a quiz file's text, keeping the text above as it was.

    Falls back on rewriting the whole file when the text cannot take ``[[questions]]`` tables at
    its end (questions written as an inline array, say).
    """
    added = "\n".join(_question_toml(table) for table in tables)
    appended = source.rstrip("\n") + "\n\n" + added
    expected = [q.get("id") for q in values.get("questions", []) + tables]
    try:
        if [q.get("id") for q in tomllib.loads(appended).get("questions", [])] == expected:
            return appended
    except (tomllib.TOMLDecodeError, AttributeError):
        pass
    return quiz_source({**values, "questions": values.get("questions", []) + tables})


def _question_toml(table: dict) -> str:
    """One question as the package's files write it: ``[[questions]]`` then ``[[questions.options]]``."""
    parts = ["[[questions]]\n" + tomli_w.dumps({k: v for k, v in table.items() if k != "options"})]
    for option in table.get("options", []):
        option = {"text": option["text"], **({"correct": True} if option["correct"] else {}), "feedback": option["feedback"]}
        parts.append("[[questions.options]]\n" + tomli_w.dumps(option))
    return "\n".join(parts)


def export_gift(quiz: Quiz) -> str:
    """Write a quiz's published questions as GIFT, in the quiz's own question bank category."""
    values = quiz_values(quiz.source)
    questions = values.get("questions", [])
    header = (
        _("// %(title)s (module %(module)s, révision %(revision)d)", title=quiz.title, module=quiz.module.slug, revision=quiz.revision)
        + "\n"
        + _("// Format GIFT de Moodle : Banque de questions > Importer > GIFT.")
        + "\n\n"
    )
    return header + write_gift(questions, category=quiz.title, partial_credit=values.get("partial_credit", False))


def gift_file_name(quiz: Quiz) -> str:
    """The downloaded file's name."""
    return f"{quiz.module.slug}.gift.txt"
