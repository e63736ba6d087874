"""A partial-credit quiz exported as GIFT grades every answer in Moodle as it does here."""

import itertools
import tomllib

import pytest

from app.quizzes.gift import parse_gift
from app.quizzes.gift import write_gift
from app.quizzes.question_types import QUESTION_TYPES
from tests.quizzes.test_gift_writer import QUIZ_FILES
from tests.quizzes.test_gift_writer import moodle_read
from tests.quizzes.test_gift_writer import moodle_score

MULTIPLE = QUESTION_TYPES["multiple_choice"]


def _question(right: int, total: int) -> dict:
    options = [{"text": f"o{i}", "correct": i < right, "feedback": "f"} for i in range(total)]
    return {"id": "q", "type": "multiple_choice", "prompt": "P", "explanation": "E", "reading": "r", "options": options}


def _data(question: dict) -> dict:
    """The question as the loader stores it (option keys a, b, c...)."""
    return {"options": [{"key": chr(97 + i), "text": o["text"], "correct": bool(o.get("correct")), "feedback": o["feedback"]}
                        for i, o in enumerate(question["options"])]}


def _same_grades(question: dict) -> None:
    [moodle] = [q for q in moodle_read(write_gift([question], partial_credit=True)) if q.get("qtype") == "multichoice"]
    data, count = _data(question), len(question["options"])
    for size in range(count + 1):
        for chosen in itertools.combinations(range(count), size):
            ours = MULTIPLE.credit(data, [chr(97 + i) for i in chosen], partial=True)
            assert moodle_score(moodle, set(chosen)) == round(float(ours), 5), (chosen, moodle["fractions"])


@pytest.mark.parametrize(("right", "total"), [(r, t) for t in range(3, 7) for r in range(1, t + 1)])
def test_every_answer_gets_the_same_grade_in_moodle(right, total):
    _same_grades(_question(right, total))


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_the_real_multiple_answer_questions_grade_the_same(path):
    for question in tomllib.loads(path.read_text(encoding="utf-8"))["questions"]:
        if question["type"] == "multiple_choice":
            _same_grades(question)


def test_the_weights_written_and_read_back():
    text = write_gift([_question(2, 5)], partial_credit=True)
    assert [line.split("o")[0] for line in text.splitlines()[1:6]] == ["\t~%50%", "\t~%50%", "\t~%-33.33333%", "\t~%-33.33333%", "\t~%-33.33333%"]
    [read] = parse_gift(text).questions
    assert [o.correct for o in read.options] == [True, True, False, False, False]


def test_without_partial_credit_any_wrong_option_costs_the_whole_point():
    [moodle] = moodle_read(write_gift([_question(2, 4)]))
    assert moodle["fractions"] == [0.5, 0.5, -1, -1]
