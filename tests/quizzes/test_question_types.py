"""Grading by the question-type registry."""

import re
from pathlib import Path

import pytest

from app.quizzes.question_types import QUESTION_TYPES

SINGLE = {"options": [
    {"key": "a", "text": "A", "correct": False, "feedback": "f"},
    {"key": "b", "text": "B", "correct": True, "feedback": "f"},
    {"key": "c", "text": "C", "correct": False, "feedback": "f"},
]}
MULTIPLE = {"options": [
    {"key": "a", "text": "A", "correct": True, "feedback": "f"},
    {"key": "b", "text": "B", "correct": False, "feedback": "f"},
    {"key": "c", "text": "C", "correct": True, "feedback": "f"},
]}
TRUE_FALSE = {"options": [
    {"key": "true", "text": "", "correct": False, "feedback": "f"},
    {"key": "false", "text": "", "correct": True, "feedback": "f"},
]}


@pytest.mark.parametrize(
    ("type_name", "data", "response", "expected"),
    [
        ("single_choice", SINGLE, ["b"], True),
        ("single_choice", SINGLE, ["a"], False),
        ("single_choice", SINGLE, [], False),
        ("single_choice", SINGLE, ["a", "b"], False),
        ("multiple_choice", MULTIPLE, ["a", "c"], True),
        ("multiple_choice", MULTIPLE, ["c", "a"], True),
        ("multiple_choice", MULTIPLE, ["a"], False),
        ("multiple_choice", MULTIPLE, ["a", "b", "c"], False),
        ("true_false", TRUE_FALSE, ["false"], True),
        ("true_false", TRUE_FALSE, ["true"], False),
    ],
)
def test_grading(type_name, data, response, expected):
    assert QUESTION_TYPES[type_name].grade(data, response) is expected


def test_the_quiz_format_documents_every_registered_type_with_its_option_counts():
    """quizzes/README.md's table has one row per type the platform grades, and says how many options each takes."""
    readme = (Path(__file__).parents[2] / "quizzes" / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", readme, flags=re.MULTILINE))
    assert set(rows) == set(QUESTION_TYPES)
    for name, question_type in QUESTION_TYPES.items():
        bounds = getattr(question_type, "min_options", None), getattr(question_type, "max_options", None)
        expected = f"{bounds[0]} à {bounds[1]}" if bounds[0] else "aucune"
        assert rows[name].strip().startswith(expected), (name, rows[name])


def test_a_true_statement_is_graded_right_only_when_marked_true():
    data = {"options": [dict(o, correct=not o["correct"]) for o in TRUE_FALSE["options"]]}
    true_false = QUESTION_TYPES["true_false"]
    assert true_false.grade(data, ["true"]) and not true_false.grade(data, ["false"]) and not true_false.grade(data, [])
    assert true_false.correct_keys(data) == {"true"}
