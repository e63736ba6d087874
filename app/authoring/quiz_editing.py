"""The quiz editor: the quiz's settings and its questions, edited one at a time in the quiz's draft.

Every change rewrites the whole quiz file (:func:`app.authoring.sources.quiz_source`) and saves it
as the draft through :mod:`app.authoring.services`, with the same optimistic lock as the other
editors: each page carries the draft version and published revision it was opened on, and a change
made meanwhile by another author is refused with both texts. A change is applied to the draft as it
is now, so sending a refused form again adds one's change to the other author's text.

A question keeps its key (``id``) when it is edited, so its statistics and versions follow it; a
new question's key is made from its prompt, unique among every key the quiz ever had. The type's
own rules (how many options, how many right) are checked by the quiz's parser on the rewritten
file, and its errors are shown next to the fields that made them.

A new quiz starts without questions, which the format refuses: its first question, added in the
editor, makes its first draft; publishing that draft makes the quiz live.
"""

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import Form
from wtforms import SelectChoice

from app.authoring.editing import EditorOutcome
from app.authoring.quiz_forms import QuestionChangeForm
from app.authoring.quiz_forms import QuestionForm
from app.authoring.quiz_forms import QuizSettingsForm
from app.authoring.quiz_forms import is_editable
from app.authoring.quiz_forms import question_form
from app.authoring.services import EditConflict
from app.authoring.services import Item
from app.authoring.services import Working
from app.authoring.services import diff
from app.authoring.services import discard_draft
from app.authoring.services import publish
from app.authoring.services import save_draft
from app.authoring.services import working_copy
from app.authoring.sources import quiz_source
from app.authoring.sources import quiz_values
from app.authoring.structure import StructureError
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.clock import now_utc
from app.contentfile import ContentError
from app.contentfile import ContentInvalid
from app.extensions import db
from app.quizzes.loader import SETTING_DEFAULTS
from app.quizzes.loader import QuestionSpec
from app.quizzes.loader import parse_quiz
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.question_types import Choice
from app.quizzes.question_types import QuestionType

#: A new quiz's pass mark and estimated minutes, until its author changes them.
NEW_QUIZ_PASS_MARK = 70
NEW_QUIZ_MINUTES = 10
#: Longest key made from a prompt (the format allows more; short keys read better in statistics).
KEY_LENGTH = 50
_FILE_KEY = re.compile(r"^([A-Za-z_]+)\s*=")


@dataclass(frozen=True)
class QuestionRow:
    """One question of the working copy, as the editor lists it."""

    number: int
    key: str
    type_label: str
    prompt: str
    reading_title: str
    is_editable: bool


@dataclass
class Page(EditorOutcome):
    """What a quiz editor page shows after a request (or where to go next)."""

    rows: list[QuestionRow] = field(default_factory=list)
    question_type: QuestionType | None = None


def _questions(values: dict) -> list[dict]:
    """Return the file's question tables (a new quiz has none yet)."""
    return values.setdefault("questions", [])


def _index_of(tables: list[dict], key: str) -> int | None:
    return next((i for i, table in enumerate(tables) if table.get("id") == key), None)


def _csrf_ok(form) -> bool:
    """Check only the form's CSRF token (discarding needs no other field)."""
    token = getattr(form, "csrf_token", None)  # absent when CSRF is off (tests)
    return token is None or token.validate(form)


def question_rows(source: str) -> list[QuestionRow]:
    """List the questions of a quiz file's text, in order."""
    titles = dict(db.session.execute(select(Reading.slug, Reading.title)).tuples().all())
    rows = []
    for number, table in enumerate(_questions(quiz_values(source)), start=1):
        question_type = QUESTION_TYPES.get(table.get("type"))
        rows.append(QuestionRow(number, table.get("id", ""), str(question_type.label) if question_type else table.get("type", ""),
                                table.get("prompt", ""), titles.get(table.get("reading"), table.get("reading", "")),
                                question_type is not None and is_editable(question_type)))
    return rows


def editable_types() -> list[QuestionType]:
    """Return the question types the browser editor can add."""
    return [t for t in QUESTION_TYPES.values() if is_editable(t)]


def _editor_page(form: QuizSettingsForm, working: Working, **kwargs) -> Page:
    """The quiz editor showing ``working``'s questions."""
    return Page(form, working, rows=question_rows(working.source), **kwargs)


def _fill_settings(form: QuizSettingsForm, working: Working, version: int, base: int) -> None:
    values = quiz_values(working.source)
    form.title.data, form.pass_mark.data, form.estimated_minutes.data = values.get("title"), values.get("pass_mark"), values.get("estimated_minutes")
    for key, default in SETTING_DEFAULTS.items():
        form[key].data = values.get(key, default)
    form.version.data, form.base.data = version, base


def _store(item: Item, form, working: Working, source: str, author_id: int, *, publishing: bool, message: str) -> Page:
    """Save ``source`` as the draft (or publish it); commit, or say why not with nothing written."""
    version, base = form.versions()
    try:
        if publishing:
            publish(item, source, version=version, base=base, author_id=author_id)
            message = _("Publié : les apprenants voient maintenant la révision %(n)d.", n=item.row.revision)
        else:
            save_draft(item, source, version=version, base=base, author_id=author_id, now=now_utc())
    except ContentInvalid as exc:
        return Page(form, working, status=400, errors=exc.errors)
    except EditConflict as exc:
        db.session.rollback()
        form.version.data, form.base.data = exc.version, exc.base  # sending again applies the change to their text, knowingly
        return Page(form, working_copy(item), status=409, conflict=exc, mine=source, conflict_diff=diff(exc.theirs, source))
    db.session.commit()
    return Page(form, working, redirect_to=True, message=message)


def handle_settings(item: Item, author_id: int) -> Page:
    """Run one request of the quiz editor: show it, save or publish the settings with the questions, or discard the draft."""
    working = working_copy(item)
    form = QuizSettingsForm()
    if not form.is_submitted():
        _fill_settings(form, working, working.version, working.base)
        return _editor_page(form, working)
    if form.discard.data and _csrf_ok(form):
        discard_draft(item)
        db.session.commit()
        return Page(form, working, redirect_to=True, message=_("Brouillon abandonné : le quiz publié est inchangé."))
    if not form.validate():
        return _editor_page(form, working, status=400)
    values = quiz_values(working.source)
    if not _questions(values):
        form.form_errors.append(_("Ajoutez d'abord une question : un quiz sans question ne peut être ni enregistré ni publié."))
        return _editor_page(form, working, status=400)
    values.update(title=form.title.data.strip(), pass_mark=form.pass_mark.data, estimated_minutes=form.estimated_minutes.data)
    _put_settings(values, form)
    page = _store(item, form, working, quiz_source(values), author_id, publishing=bool(form.publish.data),
                  message=_("Brouillon enregistré. Les apprenants voient toujours la version publiée."))
    page.rows = question_rows(page.working.source)
    return page


def _put_settings(values: dict, form: QuizSettingsForm) -> None:
    """Write the quiz's switches; one left at its default stays out of a file that never had it (no needless diff)."""
    for key, default in SETTING_DEFAULTS.items():
        value = bool(form[key].data)
        if key in values or value != default:
            values[key] = value


def change_question(item: Item, key: str, form: QuestionChangeForm, author_id: int) -> Page:
    """Move a question up or down, or take it out of the draft.

    :raise LookupError: if the draft has no question ``key`` (and no one changed it meanwhile).
    """
    working = working_copy(item)
    values = quiz_values(working.source)
    tables = _questions(values)
    index = _index_of(tables, key)
    settings = QuizSettingsForm(formdata=None)
    _fill_settings(settings, working, working.version, working.base)
    if index is None and form.versions() == (working.version, working.base):
        raise LookupError(key)
    message = _moved(tables, index, form.action.data) if index is not None else ""  # gone meanwhile: the lock says so
    if message is None:
        return Page(settings, working, redirect_to=True, message=_("Ordre inchangé."))
    if index is not None and not tables:
        page = _editor_page(settings, working, status=400)
        page.errors = [ContentError(item.path, None, _("Un quiz garde au moins une question : ajoutez-en une autre avant de retirer celle-ci."))]
        return page
    page = _store(item, form, working, quiz_source(values), author_id, publishing=False, message=message)
    if page.conflict is not None:
        _fill_settings(settings, page.working, page.conflict.version, page.conflict.base)
    page.form, page.rows = settings, question_rows(page.working.source)
    return page


def _moved(tables: list[dict], index: int, action: str) -> str | None:
    """Apply one move or removal to the question tables; return what to tell the author (``None``: nothing moved)."""
    if action == "remove":
        tables.pop(index)
        return _("Question retirée du brouillon. Publiez le quiz pour que les apprenants ne la voient plus.")
    other = index - 1 if action == "up" else index + 1
    if not 0 <= other < len(tables):
        return None
    tables[index], tables[other] = tables[other], tables[index]
    return _("Question déplacée dans le brouillon.")


def _type_of(item: Item, tables: list[dict], key: str) -> QuestionType | None:
    """Return the type of question ``key``: from the draft, else from what was ever published (removed meanwhile)."""
    index = _index_of(tables, key)
    name = tables[index].get("type") if index is not None else db.session.scalar(
        select(Question.type).where(Question.quiz_id == item.row.id, Question.key == key).order_by(Question.id.desc()).limit(1))
    return QUESTION_TYPES.get(name) if name else None


def handle_question(item: Item, author_id: int, *, type_name: str | None = None, key: str | None = None) -> Page:
    """Run one request of the question form: show it, or put the question in the draft.

    :param type_name: for a new question, its type.
    :param key: for a question of the quiz, its key.
    :raise LookupError: for an unknown or not editable type, or a key the quiz does not have.
    """
    working = working_copy(item)
    values = quiz_values(working.source)
    tables = _questions(values)
    question_type = QUESTION_TYPES.get(type_name) if key is None else _type_of(item, tables, key)
    if question_type is None or not is_editable(question_type):
        raise LookupError(key or type_name)
    index = _index_of(tables, key) if key is not None else None
    table = tables[index] if index is not None else {}
    form = question_form(question_type, reading_choices(item.row.module, table.get("reading")))
    if not form.is_submitted():
        if key is not None and index is None:
            raise LookupError(key)
        form.fill(table)
        form.version.data, form.base.data = working.version, working.base
        return Page(form, working, question_type=question_type)
    if not form.validate():
        return Page(form, working, status=400, question_type=question_type)
    key = key or new_key(form.prompt.data, taken_keys(item.row, tables))
    index = _put(tables, index, form.table(key, question_type.name))
    source = quiz_source(values)
    page = _store(item, form, working, source, author_id, publishing=False,
                  message=_("Question enregistrée dans le brouillon. Publiez le quiz pour que les apprenants la voient."))
    page.question_type = question_type
    page.errors = _show_on_fields(form, page.errors, source, index, question_type)
    return page


def _put(tables: list[dict], index: int | None, table: dict) -> int:
    """Replace the question at ``index``, or add it at the end; return its index."""
    if index is None:
        tables.append(table)
        return len(tables) - 1
    tables[index] = table
    return index


def _show_on_fields(form: QuestionForm, errors: list[ContentError], source: str, index: int, question_type: QuestionType) -> list[ContentError]:
    """Move the parser's errors about question ``index`` next to the fields that made them; return the others."""
    others = []
    for error in errors:
        where = question_key_at(source, error.line)
        if where is None or where[0] != index:
            others.append(error)
            continue
        form.add_problem(where[1], _readable(error.message, question_type))
    return others


def question_key_at(source: str, line: int | None) -> tuple[int, str | None] | None:
    """Return which question (0-based) and which of its keys a line of a quiz file's text belongs to.

    The key is ``None`` on the table's header line (errors about the question as a whole); the
    whole is ``None`` for a line outside every ``[[questions]]`` table.
    """
    if line is None:
        return None
    lines = source.splitlines()
    headers = [i for i, text in enumerate(lines[:line]) if text.strip() == "[[questions]]"]
    if not headers:
        return None
    for i in range(line - 1, headers[-1], -1):
        found = _FILE_KEY.match(lines[i])
        if found:
            return len(headers) - 1, found.group(1)
    return len(headers) - 1, None


def _readable(message: str, question_type: QuestionType) -> str:
    """Name the type as authors know it and start with a capital: the parser's words are the file's."""
    text = message.replace(question_type.name, f"« {question_type.label} »")
    return text[:1].upper() + text[1:]


def new_key(prompt: str, taken: set[str]) -> str:
    """Make a question key from its prompt: lowercase words joined by hyphens, not in ``taken``."""
    folded = unicodedata.normalize("NFKD", prompt.replace("œ", "oe").replace("æ", "ae").lower())
    words = re.findall(r"[a-z0-9]+", folded.encode("ascii", "ignore").decode())
    base = words[0][:KEY_LENGTH] if words else "question"
    for word in words[1:]:
        if len(base) + 1 + len(word) > KEY_LENGTH:
            break
        base = f"{base}-{word}"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def taken_keys(quiz: Quiz, tables: list[dict]) -> set[str]:
    """Return the keys a new question may not take: the draft's and every key the quiz ever published.

    A key removed in the draft or archived still names a question's statistics and past answers.
    """
    return {t.get("id") for t in tables} | set(db.session.scalars(select(Question.key).where(Question.quiz_id == quiz.id)))


def reading_choices(module: Module, current: str | None = None) -> list[SelectChoice]:
    """Offer every live reading, the quiz's module's first, grouped by module (the format allows any).

    :param current: the question's reading, kept in the list even if it is no longer live (the
        author then sees why the question is refused).
    """
    rows = db.session.execute(
        select(Reading.slug, Reading.title, Module.id, Module.title).join(Reading.module)
        .where(Reading.is_archived.is_(False)).order_by(Module.id != module.id, Module.position, Reading.position)
    ).all()
    choices = [SelectChoice("", _("Choisissez une lecture"))]
    for slug, title, module_id, module_title in rows:
        group = _("%(t)s (ce module)", t=module_title) if module_id == module.id else module_title
        choices.append(SelectChoice(slug, title, optgroup=group))
    if current and current not in {row[0] for row in rows}:
        choices.append(SelectChoice(current, _("%(slug)s (archivée ou inconnue)", slug=current)))
    return choices


@dataclass(frozen=True)
class PreviewQuestion:
    """One question as a learner will see it, with what the author needs below it."""

    number: int
    spec: QuestionSpec
    field: object
    choices: list[Choice]
    reading: Reading | None


@dataclass(frozen=True)
class Preview:
    """The working copy of a quiz as learners will see it once published."""

    working: Working
    title: str
    pass_mark: int
    estimated_minutes: int
    questions: list[PreviewQuestion]


def preview(item: Item) -> Preview:
    """Build the learners' view of the quiz's working copy, with their own widgets (nothing to submit)."""
    working = working_copy(item)
    values = quiz_values(working.source)
    spec, _errors = parse_quiz(working.source, item.path, item.row.filename)
    specs = spec.questions if spec is not None else []  # a new quiz without questions yet
    fields = {f"q{q.position}": QUESTION_TYPES[q.type].make_field(q.prompt, q.data) for q in specs}
    form = type("QuizPreviewForm", (Form,), fields)()
    readings = {r.slug: r for r in db.session.scalars(select(Reading).where(Reading.slug.in_([q.reading_slug for q in specs])))}
    questions = [PreviewQuestion(q.position, q, form[f"q{q.position}"], QUESTION_TYPES[q.type].choices(q.data), readings.get(q.reading_slug))
                 for q in specs]
    return Preview(working, values.get("title", ""), values.get("pass_mark", 0), values.get("estimated_minutes", 0), questions)


def create_quiz(module: Module) -> Quiz:
    """Give ``module`` a quiz, unpublished and without questions yet; flushes.

    :raise StructureError: if the module already has one.
    """
    title = _("Quiz : %(t)s", t=module.title)
    source = quiz_source({"module": module.slug, "title": title, "pass_mark": NEW_QUIZ_PASS_MARK, "estimated_minutes": NEW_QUIZ_MINUTES})
    quiz = Quiz(module_id=module.id, title=title, pass_mark=NEW_QUIZ_PASS_MARK, estimated_minutes=NEW_QUIZ_MINUTES, filename=f"{module.slug}.toml",
                source=source, revision=0, is_archived=True, updated_dt=now_utc())
    try:
        with db.session.begin_nested():
            db.session.add(quiz)
    except IntegrityError:  # the module has a quiz (perhaps created by another author just now)
        raise StructureError(_("Ce module a déjà un quiz.")) from None
    return quiz
