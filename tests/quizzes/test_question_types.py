"""Grading by the question-type registry."""

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


def test_registry_holds_the_three_types():
    assert set(QUESTION_TYPES) == {"single_choice", "multiple_choice", "true_false"}
