"""Parse the ``quizzes/`` folder's quiz files into specs (pure: no database, no Flask).

One TOML file per module, ``quizzes/<module-slug>.toml``, with ``version = 1``. See
``quizzes/README.md`` for the format.
"""

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.contentfile import ContentError
from app.contentfile import FieldReader
from app.contentfile import TomlLocator
from app.contentfile import open_versioned_document
from app.contentfile import read_text
from app.quizzes.question_types import QUESTION_TYPES

QUIZ_KEYS = {"version", "module", "title", "pass_mark", "estimated_minutes", "shuffle_options", "partial_credit", "questions"}
#: The quiz settings a file may leave out, with their values then.
SETTING_DEFAULTS = {"shuffle_options": True, "partial_credit": False}
COMMON_QUESTION_KEYS = {"id", "type", "prompt", "explanation", "reading"}


@dataclass(frozen=True)
class QuestionSpec:
    """One question of a quiz file."""

    key: str
    type: str
    prompt: str
    explanation: str
    reading_slug: str
    data: dict
    position: int
    #: Lines of the question's table and of its ``reading`` key, for error messages.
    line: int
    reading_line: int


@dataclass(frozen=True)
class QuizSpec:
    """One module's quiz file."""

    module_slug: str
    title: str
    pass_mark: int
    estimated_minutes: int
    questions: list[QuestionSpec]
    filename: str
    source: str
    path: str
    #: Options of choice questions in a new order for each attempt.
    shuffle_options: bool = True
    #: Multiple-answer questions earn Moodle's partial credit (else all or nothing).
    partial_credit: bool = False


def parse_quiz(text: str, path: str, filename: str) -> tuple[QuizSpec | None, list[ContentError]]:
    """Parse one quiz file's text."""
    fields, errors = open_versioned_document(text, path, QUIZ_KEYS)
    if fields is None:
        return None, errors
    data, locator = fields.data, fields.locator
    module_slug = fields.slug("module")
    title = fields.text("title")
    pass_mark = fields.integer("pass_mark", 1, 100)
    minutes = fields.integer("estimated_minutes", 1, 240)
    settings = {key: fields.boolean(key, default) for key, default in SETTING_DEFAULTS.items()}
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        fields.error(None, _("le quiz n'a aucune question : ajoutez des tables [[questions]]"))
        raw_questions = []
    errors = fields.errors
    questions = []
    for index, raw in enumerate(raw_questions):
        spec, found = _parse_question(raw, path, locator, index)
        errors += found
        if spec is not None:
            questions.append(spec)
    errors += _duplicate_keys(questions, path)
    if errors:
        return None, errors
    return QuizSpec(module_slug, title, pass_mark, minutes, questions, filename, text, path, **settings), []


def _parse_question(raw: dict, path: str, locator: TomlLocator, index: int) -> tuple[QuestionSpec | None, list[ContentError]]:
    if not isinstance(raw, dict):
        return None, [ContentError(path, locator.line_of("questions"), _("questions doit être une suite de tables [[questions]]"))]
    fields = FieldReader(raw, path, locator, table="questions", index=index)
    key = fields.slug("id")
    type_name = fields.text("type")
    question_type = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
    if type_name and question_type is None:
        fields.error("type", _("type de question inconnu : %(type)r (types admis : %(types)s)", type=type_name, types=", ".join(QUESTION_TYPES)))
    prompt = fields.text("prompt")
    explanation = fields.text("explanation")
    reading = fields.slug("reading")
    data = {}
    if question_type is not None:
        fields.only(COMMON_QUESTION_KEYS | question_type.keys)
        data = question_type.parse(fields)
    if fields.errors:
        return None, fields.errors
    line = locator.line_of(None, "questions", index)
    reading_line = locator.line_of("reading", "questions", index)
    return QuestionSpec(key, type_name, prompt, explanation, reading, data, index + 1, line, reading_line), []


def _duplicate_keys(questions: list[QuestionSpec], path: str) -> list[ContentError]:
    seen: set[str] = set()
    errors = []
    for question in questions:
        if question.key in seen:
            errors.append(ContentError(path, question.line, _("identifiant de question en double : %(key)s", key=question.key)))
        seen.add(question.key)
    return errors


def load_quizzes(quizzes_dir: Path, skip: frozenset[str]) -> tuple[list[QuizSpec], list[ContentError]]:
    """Read every ``*.toml`` quiz file of ``quizzes_dir`` except the names in ``skip``."""
    if not quizzes_dir.is_dir():
        return [], [ContentError(str(quizzes_dir), None, _("dossier des quiz introuvable"))]
    specs, errors = [], []
    for path in sorted(quizzes_dir.glob("*.toml")):
        if path.name in skip:
            continue
        rel = f"{quizzes_dir.name}/{path.name}"
        text, found = read_text(path, rel)
        spec = None
        if text is not None:
            spec, found = parse_quiz(text, rel, path.name)
        errors += found
        if spec is not None:
            specs.append(spec)
    return specs, errors
