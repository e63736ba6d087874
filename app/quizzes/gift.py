"""Moodle's GIFT quiz format: read it into our quiz's question tables, write our questions as GIFT.

Pure: no database, no Flask. The syntax is the one of Moodle's parser
(``question/format/gift/format.php``): questions are separated by blank lines, lines starting
with ``//`` are comments, ``\\~ \\= \\# \\{ \\} \\: \\n \\\\`` are escapes.

What is read (and how it becomes one of our three types):

- ``{=right ~wrong ~wrong}``: one ``=`` answer → ``single_choice`` (2 to 6 options);
- ``{~%50%a ~%50%b ~%-100%c}``: no ``=`` → ``multiple_choice`` (3 to 6 options); an option is
  right when its weight is positive, and the positive weights must add up to 100 % (Moodle
  refuses the question otherwise);
- ``{T}`` ``{TRUE}`` ``{F}`` ``{FALSE}`` → ``true_false``; ``{TRUE#wrong#right}``: the first
  feedback is shown to who answers wrong, the second to who answers right, as in Moodle;
- ``::title::`` (the question's id is made from it, else from the prompt), ``$CATEGORY:`` blocks
  (kept as each question's ``category``), ``[markdown]`` ``[plain]`` ``[moodle]`` ``[html]``
  prefixes (removed; ``[html]`` text is turned into plain text, since our prompts are shown as
  plain text), ``#feedback`` after an answer, ``####general feedback`` (our explanation);
- a missing-word question (text after the closing brace) keeps its prompt with ``_____`` where
  the answers were, as Moodle shows it.

Reported as unsupported (``unsupported=True``, with the question's line): description items
(no braces), essays (``{}``), numerical questions (``{#...}``), matching (``=a -> b``), short
answers (only ``=`` answers), partial credit and several ``=`` answers in a single-choice
question, and option counts our types do not allow. Everything that Moodle itself would refuse
(unbalanced braces, fewer than two answers, weights not adding up to 100 %, an empty prompt…)
is a syntax problem (``unsupported=False``).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.quizzes.question_types import QUESTION_TYPES

#: Filled in when a GIFT answer has no ``#feedback`` (every option of ours has one).
DEFAULT_RIGHT_FEEDBACK = "Bonne réponse."
DEFAULT_WRONG_FEEDBACK = "Ce n'est pas la réponse attendue."
#: Filled in when a GIFT question has no ``####general feedback``.
DEFAULT_EXPLANATION = "Relisez la lecture associée à cette question : elle donne la réponse."

TRUE_ANSWERS, FALSE_ANSWERS = ("T", "TRUE"), ("F", "FALSE")
FORMATS = ("moodle", "html", "plain", "markdown")
#: Moodle's weight syntax: ``%50%``, ``%-33.33333%``.
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_MAX_ID_LENGTH, _MAX_PROMPT_ID_LENGTH = 80, 50
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})

# Escaped characters become private-use characters while the structure is parsed (as Moodle's
# placeholders do), then come back as the characters themselves.
_ESCAPES = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_BACKSLASH = "\ue007"
_UNESCAPE = {placeholder: ("\n" if char == "n" else char) for char, placeholder in _ESCAPES.items()} | {_BACKSLASH: "\\"}


@dataclass(frozen=True)
class GiftProblem:
    """Something in a GIFT text that cannot be imported, with its line (``None``: the whole text)."""

    line: int | None
    message: str
    #: True for valid GIFT that our quizzes cannot represent; False for a syntax error.
    unsupported: bool = False

    def __str__(self) -> str:
        return _("ligne %(line)d : %(message)s", line=self.line, message=self.message) if self.line else self.message


@dataclass(frozen=True)
class GiftOption:
    """One answer of a choice question; ``feedback`` is empty when the file gives none."""

    text: str
    correct: bool
    feedback: str
    line: int


@dataclass(frozen=True)
class GiftQuestion:
    """One question read from GIFT, already in the shape of one of our types.

    ``explanation`` and feedback texts are empty when the file gives none; ``answer`` and the
    two ``feedback_*`` are for ``true_false`` only, ``options`` for the choice types.
    """

    line: int
    type: str
    title: str
    prompt: str
    explanation: str
    category: str | None = None
    options: tuple[GiftOption, ...] = ()
    answer: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""


@dataclass
class GiftResult:
    """The questions read from a GIFT text and every problem found, in the order of the text."""

    questions: list[GiftQuestion] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)

    @property
    def syntax_problems(self) -> list[GiftProblem]:
        """The errors that stop an import."""
        return [p for p in self.problems if not p.unsupported]

    @property
    def unsupported(self) -> list[GiftProblem]:
        """The valid questions that our quizzes cannot hold."""
        return [p for p in self.problems if p.unsupported]


class _Unsupported(Exception):
    pass


class _Invalid(Exception):
    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.message, self.offset = message, offset


# --- Reading -----------------------------------------------------------------------------------


def parse_gift(text: str) -> GiftResult:
    """Read a GIFT text; return the questions it could read and the problems, each with its line."""
    result = GiftResult()
    category = None
    for block in _blocks(text):
        if block.text.startswith("$CATEGORY:"):
            category = _unescape(block.text[len("$CATEGORY:"):]).strip()
            if "\n" in category:
                result.problems.append(GiftProblem(block.line_at(0), _("la ligne $CATEGORY doit être suivie d'une ligne vide (la question qui suit serait lue comme le nom de la catégorie)")))
                category = category.split("\n")[0].strip()
            continue
        try:
            result.questions.append(_read_question(block, category))
        except _Unsupported as exc:
            result.problems.append(GiftProblem(block.line_at(0), str(exc), unsupported=True))
        except _Invalid as exc:
            result.problems.append(GiftProblem(block.line_at(exc.offset or 0), exc.message))
    return result


@dataclass(frozen=True)
class _Block:
    """One question's lines (comments dropped, lines trimmed as Moodle does), escapes replaced."""

    text: str
    numbers: list[int]

    def line_at(self, offset: int) -> int:
        """Return the file line of a position in ``text``."""
        return self.numbers[min(self.text.count("\n", 0, offset), len(self.numbers) - 1)]


def _blocks(text: str) -> Iterable[_Block]:
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: list[tuple[int, str]] = []
    for number, raw in enumerate([*lines, ""], start=1):
        line = raw.strip()
        if line:
            current.append((number, line))
            continue
        kept = [(n, li) for n, li in current if not li.startswith("//")]
        current = []
        if kept:
            yield _Block(_escape_pre("\n".join(li for _n, li in kept)), [n for n, _li in kept])


def _escape_pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text


def _unescape(text: str) -> str:
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, char)
    return text


def _read_question(block: _Block, category: str | None) -> GiftQuestion:
    text, pos = block.text, 0
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise _Invalid(_("titre non fermé : écrivez ::titre:: avant la question"))
        title, pos = _unescape(text[2:end]).strip(), end + 2
    start, finish = text.find("{", pos), text.find("}", pos)
    label = f"« {title or _excerpt(_unescape(text[pos:start if start != -1 else None]))} »"
    if start == -1 and finish == -1:
        raise _Unsupported(_("question %(label)s sans réponses entre accolades (description) : type non pris en charge", label=label))
    if start == -1 or finish == -1 or finish < start:
        raise _Invalid(_("accolades { } non appariées (écrivez \\{ et \\} pour des accolades dans le texte)"), start if start != -1 else finish)
    if "{" in text[finish + 1:] or "}" in text[finish + 1:]:
        raise _Invalid(_("une question n'a qu'un bloc de réponses { } (écrivez \\{ et \\} pour des accolades dans le texte)"), finish + 1)
    after = text[finish + 1:]
    prompt_text = text[pos:start] + ("_____" if after.strip() else "") + after
    prompt_format, prompt = _text_with_format(prompt_text, "moodle")
    answers, answers_at = text[start + 1:finish], start + 1
    explanation = ""
    general = answers.rfind("####")
    if general != -1:
        explanation = _text_with_format(answers[general + 4:], prompt_format)[1]
        answers = answers[:general]
    common = {"line": block.line_at(0), "title": title, "prompt": prompt, "explanation": explanation, "category": category}
    kind = _detect(answers.strip())
    if kind in _UNSUPPORTED_KINDS:
        raise _Unsupported(_("question %(label)s : %(kind)s : type non pris en charge", label=label, kind=_UNSUPPORTED_KINDS[kind]))
    if not prompt:
        raise _Invalid(_("énoncé vide : écrivez la question avant les accolades"))
    if kind == "truefalse":
        return _true_false(answers.strip(), prompt_format, common)
    return _choices(block, answers, answers_at, prompt_format, label, common)


_UNSUPPORTED_KINDS = {
    "essay": _l("réponse libre ({})"),
    "numerical": _l("réponse numérique ({#...})"),
    "match": _l("appariement (=... -> ...)"),
    "shortanswer": _l("réponse courte (seulement des réponses =)"),
}


def _detect(answers: str) -> str:
    """Moodle's order: essay, numerical, multiple choice, matching, true/false, short answer."""
    if not answers:
        return "essay"
    if answers[0] == "#":
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "match"
    check = answers[:answers.find("#")].strip() if answers.find("#") > 0 else answers
    return "truefalse" if check in TRUE_ANSWERS + FALSE_ANSWERS else "shortanswer"


def _true_false(answers: str, text_format: str, common: dict) -> GiftQuestion:
    parts = answers.split("#", 2) + ["", ""]
    answer = parts[0].strip() in TRUE_ANSWERS
    wrong, right = (_text_with_format(part, text_format)[1] for part in parts[1:3])
    return GiftQuestion(type="true_false", answer=answer, feedback_true=right if answer else wrong, feedback_false=wrong if answer else right, **common)


def _choices(block: _Block, answers: str, answers_at: int, text_format: str, label: str, common: dict) -> GiftQuestion:
    marks = [i for i, char in enumerate(answers) if char in "~="]
    if answers[:marks[0]].strip():
        raise _Invalid(_("texte avant la première réponse : chaque réponse commence par ~ ou ="), answers_at)
    single = "=" in answers
    options, weights = [], []
    for index, mark in enumerate(marks):
        segment = answers[mark + 1:marks[index + 1] if index + 1 < len(marks) else None].strip()
        line = block.line_at(answers_at + mark)
        weight = 1.0 if answers[mark] == "=" else 0.0
        found = _WEIGHT.match(segment) if answers[mark] == "~" else None
        if found:
            weight = float(segment[1:found.end() - 1].lstrip("-")) / 100 * (-1 if segment[1] == "-" else 1)
            segment = segment[found.end():]
        option_text, _hash, feedback = segment.partition("#")
        option_text = _text_with_format(option_text, text_format)[1]
        if not option_text:  # Moodle skips blank answers too
            continue
        feedback = _text_with_format(feedback, text_format)[1]
        options.append(GiftOption(option_text, weight > 0, feedback, line))
        weights.append(weight)
    if len(options) < 2:
        raise _Invalid(_("une question à choix demande au moins deux réponses"), answers_at)
    if single:
        return _single_choice(options, weights, label, common, answers_at)
    total = sum(w for w in weights if w > 0)
    if round(total, 2) != 1:
        raise _Invalid(_("les poids positifs des réponses (~%%50%%…) doivent faire 100 %% (total : %(total)s %%)", total=_percent(total * 100)), answers_at)
    _check_count(len(options), "multiple_choice", label, _("à plusieurs réponses"))
    return GiftQuestion(type="multiple_choice", options=tuple(options), **common)


def _single_choice(options: list[GiftOption], weights: list[float], label: str, common: dict, at: int) -> GiftQuestion:
    if not any(o.correct for o in options):  # its "=" answer was blank: Moodle refuses a question without a 100 % answer
        raise _Invalid(_("la bonne réponse (après =) est vide"), at)
    if any(0 < w < 1 for w in weights):
        raise _Unsupported(_("question %(label)s : crédit partiel (~%%…%%) dans une question à une seule réponse : non pris en charge", label=label))
    if sum(o.correct for o in options) > 1:
        raise _Unsupported(_("question %(label)s : plusieurs bonnes réponses à 100 %% dans une question à une seule réponse : non pris en charge", label=label))
    _check_count(len(options), "single_choice", label, _("à une seule réponse"))
    return GiftQuestion(type="single_choice", options=tuple(options), **common)


def _check_count(count: int, type_name: str, label: str, kind: str) -> None:
    """Refuse a question with more or fewer options than our question type of that name accepts."""
    low, high = QUESTION_TYPES[type_name].min_options, QUESTION_TYPES[type_name].max_options
    if not low <= count <= high:
        raise _Unsupported(
            _("question %(label)s : %(count)d réponses ; une question %(kind)s en a ici de %(low)d à %(high)d", label=label, count=count, kind=kind, low=low, high=high)
        )


def _text_with_format(text: str, default: str) -> tuple[str, str]:
    """Remove a ``[format]`` prefix; return the format and the text, unescaped and trimmed."""
    text = text.strip()
    text_format = default
    if text.startswith("[") and "]" in text:
        name = text[1:text.index("]")]
        if name in FORMATS:
            text_format, text = name, text[text.index("]") + 1:]
    text = _unescape(text).strip()
    return text_format, (_html_to_text(text) if text_format == "html" else text)


class _TextOfHtml(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    return re.sub(r"\n[ \t]*\n\s*", "\n\n", text).strip()


def _excerpt(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


# --- Our question tables ------------------------------------------------------------------------


def slugify(text: str, max_length: int = _MAX_ID_LENGTH) -> str:
    """Turn a title or a prompt into an identifier: lowercase ASCII letters, digits and hyphens."""
    text = text.translate(_LIGATURES)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length + 1]
        slug = slug[:slug.rfind("-")] if "-" in slug else slug[:max_length]
    return slug.strip("-")


def to_question_tables(questions: Iterable[GiftQuestion], reading: str, taken: Iterable[str] = ()) -> list[dict]:
    """Turn read questions into our quiz file's ``[[questions]]`` tables.

    :param reading: the slug of the reading every question points to (GIFT has none).
    :param taken: ids already in the quiz; new ids are made unique among them and each other.
    """
    used = set(taken)
    tables = []
    for question in questions:
        key = _unique(slugify(question.title) or slugify(question.prompt, _MAX_PROMPT_ID_LENGTH), used)
        used.add(key)
        table = {"id": key, "type": question.type, "prompt": question.prompt,
                 "explanation": question.explanation or DEFAULT_EXPLANATION, "reading": reading}
        if question.type == "true_false":
            right, wrong = DEFAULT_RIGHT_FEEDBACK, DEFAULT_WRONG_FEEDBACK
            table |= {"answer": question.answer,
                      "feedback_true": question.feedback_true or (right if question.answer else wrong),
                      "feedback_false": question.feedback_false or (wrong if question.answer else right)}
        else:
            table["options"] = [
                {"text": o.text, "correct": o.correct, "feedback": o.feedback or (DEFAULT_RIGHT_FEEDBACK if o.correct else DEFAULT_WRONG_FEEDBACK)}
                for o in question.options
            ]
        tables.append(table)
    return tables


def _unique(key: str, used: set[str]) -> str:
    key = key or "question"
    if key not in used:
        return key
    number = 2
    while f"{key}-{number}" in used:
        number += 1
    return f"{key}-{number}"


# --- Writing -------------------------------------------------------------------------------------


def write_gift(questions: Iterable[dict], category: str | None = None, partial_credit: bool = False) -> str:
    """Write our quiz's question tables as GIFT that Moodle's parser reads back as the same questions.

    Multiple-choice weights split 100 % evenly among the right options. With ``partial_credit``
    (the quiz's setting), the wrong options split -100 % evenly: our own weights, so Moodle grades
    every answer as we do. Without it, each wrong option weighs -100 %: as here, full marks need
    all the right options and no other, and any wrong one brings the question to 0 (Moodle still
    gives a share for some of the right options and no wrong one: it has no all-or-nothing
    multiple answer question).

    :param category: written as a ``$CATEGORY:`` line first (Moodle creates that question bank category).
    """
    blocks = []
    if category:
        blocks.append("$CATEGORY: " + " ".join(category.split()).replace("/", "//"))
    blocks += [_write_question(q, partial_credit) for q in questions]
    return "\n\n".join(blocks) + "\n"


def _write_question(question: dict, partial_credit: bool = False) -> str:
    head = f"::{_escape(question['id'])}::[markdown]{_escape(question['prompt'])}"
    explanation = f"####{_answer_text(question['explanation'])}" if question.get("explanation") else ""
    if question["type"] == "true_false":
        answer = bool(question["answer"])
        right, wrong = (question.get("feedback_true", ""), question.get("feedback_false", ""))[:: 1 if answer else -1]
        return f"{head}{{{'TRUE' if answer else 'FALSE'}#{_answer_text(wrong)}#{_answer_text(right)}{explanation}}}"
    lines = [head + "{"]
    options = question["options"]
    right_count = sum(bool(o.get("correct")) for o in options)
    wrong_weight = 100 / max(len(options) - right_count, 1) if partial_credit else 100
    for option in options:
        lines.append("\t" + _option_mark(question["type"], bool(option.get("correct")), right_count, option["text"], wrong_weight)
                     + _answer_text(option["text"]) + (f"#{_answer_text(option['feedback'])}" if option.get("feedback") else ""))
    if explanation:
        lines.append("\t" + explanation)
    return "\n".join([*lines, "}"])


def _option_mark(type_name: str, correct: bool, right_count: int, text: str, wrong_weight: float = 100) -> str:
    if type_name == "multiple_choice":
        return f"~%{_percent(100 / max(right_count, 1))}%" if correct else f"~%-{_percent(wrong_weight)}%"
    if correct:
        return "="
    # "~%5% des cas" would read as a 5 % weight: an explicit 0 % weight keeps the text whole.
    return "~%0%" if text.lstrip().startswith("%") else "~"


def _escape(text: str) -> str:
    """Moodle's ``repchar``: escape the reserved characters, newlines become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _answer_text(text: str) -> str:
    """An answer or feedback text; ``[markdown]`` keeps a text that starts with ``[`` from losing it."""
    text = text.strip()
    return ("[markdown]" if text.startswith("[") else "") + _escape(text)
