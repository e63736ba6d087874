"""Writing GIFT: the exact syntax, what Moodle's own reading of it gives, and the round trip."""

import re
import tomllib
from pathlib import Path

import pytest

from app.quizzes.gift import parse_gift
from app.quizzes.gift import to_question_tables
from app.quizzes.gift import write_gift

ROOT = Path(__file__).parent.parent.parent
QUIZ_FILES = sorted(p for p in [*(ROOT / "quizzes").glob("*.toml"), ROOT / "tests/data/quizzes/bases.toml"] if p.name != "self-diagnostic.toml")

TRICKY = [
    {"id": "speciaux", "type": "single_choice", "reading": "premiere",
     "prompt": "Accolades {x}, deux-points :: et : égal = tilde ~ dièse # et ####, antislash \\ et \\n littéral.\n\nDeuxième paragraphe.",
     "explanation": "[lien] en tête, puis # et \\{ littéral.",
     "options": [
         {"text": "%5% des cas", "correct": False, "feedback": "// pas un commentaire"},
         {"text": "[html] n'est pas un format ici", "correct": True, "feedback": "[plain] non plus"},
         {"text": "=égal en tête", "correct": False, "feedback": "~tilde en tête"},
     ]},
    {"id": "trois-justes", "type": "multiple_choice", "reading": "premiere", "prompt": "[markdown] écrit par l'auteur", "explanation": "E.",
     "options": [
         {"text": "a", "correct": True, "feedback": "f a"},
         {"text": "b", "correct": True, "feedback": "f b"},
         {"text": "%c", "correct": True, "feedback": "f c"},
         {"text": "d", "correct": False, "feedback": "f d"},
     ]},
    {"id": "faux", "type": "true_false", "reading": "premiere", "prompt": "Faux ?", "explanation": "Parce que.",
     "answer": False, "feedback_true": "Non : c'est faux.", "feedback_false": "Oui : c'est faux."},
]


def _normalised(question: dict) -> dict:
    """A question table as the loader reads it (``correct`` defaults to false)."""
    table = {k: v for k, v in question.items() if k != "options"}
    if "options" in question:
        table["options"] = [{"text": o["text"], "correct": o.get("correct", False), "feedback": o["feedback"]} for o in question["options"]]
    return table


def _round_trip(questions: list[dict]) -> list[dict]:
    result = parse_gift(write_gift(questions))
    assert result.problems == []
    readings = {q["id"]: q["reading"] for q in questions}
    return [t | {"reading": readings[t["id"]]} for t in to_question_tables(result.questions, "x")]


def test_the_exact_syntax_written():
    assert write_gift(TRICKY[1:], category="Quiz : IA/métiers") == (
        "$CATEGORY: Quiz : IA//métiers\n"
        "\n"
        "::trois-justes::[markdown][markdown] écrit par l'auteur{\n"
        "\t~%33.33333%a#f a\n"
        "\t~%33.33333%b#f b\n"
        "\t~%33.33333%%c#f c\n"
        "\t~%-100%d#f d\n"
        "\t####E.\n"
        "}\n"
        "\n"
        "::faux::[markdown]Faux ?{FALSE#Non \\: c'est faux.#Oui \\: c'est faux.####Parce que.}\n"
    )


def test_escapes_and_format_guards():
    text = write_gift(TRICKY[:1])
    assert "::speciaux::[markdown]Accolades \\{x\\}, deux-points \\:\\: et \\: égal \\= tilde \\~ dièse \\# et \\#\\#\\#\\#, antislash \\\\ et \\\\n littéral.\\n\\nDeuxième paragraphe.{" in text
    assert "\t~%0%%5% des cas#// pas un commentaire\n" in text  # 0 %: the text's own "%5%" is not a weight
    assert "\t=[markdown][html] n'est pas un format ici#[markdown][plain] non plus\n" in text
    assert "\t~\\=égal en tête#\\~tilde en tête\n" in text
    assert "\t####[markdown][lien] en tête, puis \\# et \\\\\\{ littéral.\n" in text


@pytest.mark.parametrize("right", range(1, 7))
def test_multiple_choice_weights_split_100_among_right_options_and_punish_wrong_ones(right):
    options = [{"text": f"o{i}", "correct": i < right, "feedback": "f"} for i in range(max(right + 1, 3))]
    question = {"id": "q", "type": "multiple_choice", "prompt": "P", "explanation": "E", "reading": "r", "options": options}
    [read] = moodle_read(write_gift([question]))
    positive = [f for f in read["fractions"] if f > 0]
    assert len(positive) == right and round(sum(positive), 2) == 1
    assert all(f == -1 for f in read["fractions"] if f <= 0)
    # Moodle's score: all the right options and no other gives 1; any wrong option brings it to 0
    assert moodle_score(read, set(range(right))) == 1
    assert moodle_score(read, set(range(right)) | {right}) == 0


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_round_trip_of_every_quiz_gives_the_same_questions(path):
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["questions"]
    assert _round_trip(questions) == [_normalised(q) for q in questions]


def test_round_trip_of_tricky_texts():
    assert _round_trip(TRICKY) == [_normalised(q) for q in TRICKY]


@pytest.mark.parametrize("path", [*QUIZ_FILES, None], ids=lambda p: p.name if p else "tricky")
def test_moodle_reads_the_output_as_the_same_questions(path):
    """A line-by-line port of Moodle's reader (``format.php``) and of its import checks accepts the file."""
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["questions"] if path else TRICKY
    read = moodle_read(write_gift(questions, category="Quiz"))
    assert read[0] == {"qtype": "category", "category": "Quiz"}
    for question, moodle in zip(questions, read[1:], strict=True):
        assert moodle["name"] == question["id"] and moodle["format"] == "markdown"
        assert moodle["questiontext"] == question["prompt"].strip() and moodle["generalfeedback"] == question["explanation"].strip()
        if question["type"] == "true_false":
            assert moodle["qtype"] == "truefalse" and moodle["correctanswer"] == question["answer"]
            assert (moodle["feedbacktrue"], moodle["feedbackfalse"]) == (question["feedback_true"], question["feedback_false"])
            continue
        assert moodle["qtype"] == "multichoice" and moodle["single"] == (question["type"] == "single_choice")
        assert moodle["answers"] == [o["text"] for o in question["options"]]
        assert moodle["feedback"] == [o["feedback"] for o in question["options"]]
        right = {i for i, o in enumerate(question["options"]) if o.get("correct")}
        assert moodle_score(moodle, right) == 1
        assert all(moodle_score(moodle, right | {i}) == 0 for i in range(len(question["options"])) if i not in right)


# --- Moodle's reader, ported for the tests (multichoice and truefalse only) ------------------------

_PLACEHOLDERS = [("\\:", "&&058;", ":"), ("\\#", "&&035;", "#"), ("\\=", "&&061;", "="), ("\\{", "&&123;", "{"),
                 ("\\}", "&&125;", "}"), ("\\~", "&&126;", "~"), ("\\n", "&&010", "\n")]
_WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")
#: question_bank::fraction_options_full(): the only grades an import accepts (match_grade_options, 'error').
_GRADES = [1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05]
_GRADES = [0.0, *_GRADES, *(-g for g in _GRADES)]


def moodle_read(text: str) -> list[dict]:
    """qformat_default::readquestions then qformat_gift::readquestion, then the import's checks."""
    questions, current = [], []
    for line in [*text.split("\n"), ""]:
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            question = _readquestion(current)
            if question:
                questions.append(question)
            current = []
    return questions


def _pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder, _char in _PLACEHOLDERS:
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def _post(text: str) -> str:
    for _escaped, placeholder, char in _PLACEHOLDERS:
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        if text[1:end] in ("moodle", "html", "plain", "markdown"):
            fmt, text = text[1:end], text[end + 1:]
    return _post(text).strip(), fmt


def _readquestion(lines: list[str]) -> dict | None:
    text = "\n".join(" " if line.strip().startswith("//") else line for line in lines).strip()
    if not text:
        return None
    text = _pre(text)
    if text.startswith("$CATEGORY:"):
        return {"qtype": "category", "category": text[10:].strip()}
    name = None
    if text[:2] == "::":
        text = text[2:]
        end = text.find("::")
        assert end != -1
        name, text = _post(text[:end]), text[end + 2:].strip()
    start, finish = text.find("{"), text.find("}")
    assert start != -1 and finish != -1, "braceerror"
    answertext = text[start + 1:finish].strip()
    questiontext = text[:start] + text[finish + 1:] if text.endswith("}") else text[:start] + "_____" + text[finish + 1:]
    general = ""
    if (separator := answertext.rfind("####")) != -1:
        general, answertext = answertext[separator + 4:], answertext[:separator].strip()
    questiontext, fmt = _with_format(questiontext)
    general = _with_format(general, fmt)[0]
    question = {"name": name, "questiontext": questiontext, "format": fmt, "generalfeedback": general}
    if "~" in answertext:
        return _multichoice(question, answertext, fmt)
    check = answertext[:answertext.find("#")].strip() if answertext.find("#") > 0 else answertext
    assert check in ("T", "TRUE", "F", "FALSE"), f"not a true/false question: {answertext!r}"
    bits = answertext.split("#", 2) + ["", ""]
    answer, wrong, right = (_with_format(bit.strip(), fmt)[0] for bit in bits[:3])
    is_true = answer in ("T", "TRUE")
    return question | {"qtype": "truefalse", "correctanswer": is_true,
                       "feedbacktrue": right if is_true else wrong, "feedbackfalse": wrong if is_true else right}


def _multichoice(question: dict, answertext: str, fmt: str) -> dict:
    single = "=" in answertext
    answers = answertext.replace("=", "~=").split("~")
    answers[0] = answers[0].strip()
    if not answers[0]:
        answers.pop(0)
    assert len(answers) >= 2, "importminerror"
    texts, feedback, fractions = [], [], []
    for answer in answers:
        answer = answer.strip()
        if answer[0] == "=":
            weight, answer = 1.0, answer[1:]
        elif _WEIGHT.match(answer):
            answer = answer[1:]
            end = answer.find("%")
            weight, answer = float(answer[:end]) / 100, answer[end + 1:]
        else:
            weight = 0.0
        bits = answer.split("#", 1)
        texts.append(_with_format(bits[0].strip(), fmt)[0])
        feedback.append(_with_format(bits[1].strip(), fmt)[0] if len(bits) > 1 else "")
        fractions.append(weight)
    assert all(any(abs(f - g) < 0.00001 for g in _GRADES) for f in fractions), f"invalidgrade: {fractions}"
    if single:
        assert max(fractions) == 1, "fractionsnomax"
    else:
        assert round(sum(f for f in fractions if f > 0), 2) == 1, "fractionsaddwrong"
    return question | {"qtype": "multichoice", "single": single, "answers": texts, "feedback": feedback, "fractions": fractions}


def moodle_score(question: dict, chosen: set[int]) -> float:
    """Moodle's grade for a response: the chosen fraction (single), or their sum kept in [0, 1] (multi)."""
    fractions = [question["fractions"][i] for i in chosen]
    if question["single"]:
        return fractions[0] if len(fractions) == 1 and fractions[0] > 0 else 0
    return round(min(1, max(0, sum(fractions))), 5)
