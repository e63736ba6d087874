"""No fixed-position strategy passes a real quiz, with options shuffled or in the files' order.

The quizzes are read from ``quizzes/`` as the app reads them, and graded by the question types'
own ``credit``. With shuffling, the expectation is exact: every order of a question's options is
taken, each weighing the same (the shuffle draws every order equally, see
``tests/quizzes/test_shuffle_and_credit.py``); without it, the files' order is the only one.
"""

import itertools
from fractions import Fraction
from pathlib import Path

import pytest

from app.quizzes.loader import QuestionSpec
from app.quizzes.loader import QuizSpec
from app.quizzes.loader import load_quizzes
from app.quizzes.question_types import QUESTION_TYPES

ROOT = Path(__file__).parent.parent
QUIZZES, _ERRORS = load_quizzes(ROOT / "quizzes", frozenset({"self-diagnostic.toml"}))


def _first(keys: list[str]) -> list[str]:
    return keys[:1]


def _last(keys: list[str]) -> list[str]:
    return keys[-1:]


def _first_k(k: int):
    def strategy(keys: list[str]) -> list[str]:
        return keys[:k]
    strategy.__name__ = f"first_{k}"
    return strategy


#: What a guesser picks among the options as shown, for single-choice questions...
SINGLE = [_first, _last]
#: ...and for multiple-choice ones (ticking the first k boxes, for every k)...
MULTIPLE = [_first, _last, *(_first_k(k) for k in range(2, 7))]
#: ...and on true/false statements (shown « Vrai » then « Faux », never shuffled).
TRUE_FALSE = [["true"], ["false"]]
STRATEGIES = [(s, m, t) for s in SINGLE for m in MULTIPLE for t in TRUE_FALSE]


def _expected_credit(question: QuestionSpec, pick, shuffle: bool, partial: bool) -> Fraction:
    """Exact expected credit of a strategy on one question: the mean over every order it may be shown in."""
    question_type = QUESTION_TYPES[question.type]
    keys = question_type.shown_order(question.data, None)
    orders = list(itertools.permutations(keys)) if shuffle and question_type.shuffles else [tuple(keys)]
    return sum((question_type.credit(question.data, pick(list(order)), partial) for order in orders), Fraction(0)) / len(orders)


def expected_percent(quiz: QuizSpec, strategy, shuffle: bool, partial: bool) -> Fraction:
    single, multiple, true_false = strategy
    picks = {"single_choice": single, "multiple_choice": multiple, "true_false": lambda _keys: true_false}
    total = sum((_expected_credit(q, picks[q.type], shuffle, partial) for q in quiz.questions), Fraction(0))
    return total * 100 / len(quiz.questions)


def _name(strategy) -> str:
    single, multiple, true_false = strategy
    return f"single:{single.__name__} multiple:{multiple.__name__} true_false:{true_false[0]}"


def test_the_real_quizzes_load():
    assert _ERRORS == [] and len(QUIZZES) == len(list((ROOT / "course").glob("*/module.toml")))


@pytest.mark.parametrize("quiz", QUIZZES, ids=lambda q: q.module_slug)
@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "file-order"])
@pytest.mark.parametrize("partial", [False, True], ids=["all-or-nothing", "partial-credit"])
def test_no_fixed_position_strategy_reaches_the_pass_mark(quiz, shuffle, partial):
    best = max(STRATEGIES, key=lambda s: expected_percent(quiz, s, shuffle, partial))
    score = expected_percent(quiz, best, shuffle, partial)
    assert score < quiz.pass_mark, f"{_name(best)} scores {float(score):.1f} % (pass mark {quiz.pass_mark} %)"
    # A margin too: the best blind strategy stays well below the mark, not a hair under it.
    assert score <= quiz.pass_mark - 15, f"{_name(best)} scores {float(score):.1f} %"


@pytest.mark.parametrize("quiz", QUIZZES, ids=lambda q: q.module_slug)
def test_the_files_spread_their_keys(quiz):
    """Rebalanced files: no position holds most single-choice keys, and about half the statements are true."""
    singles = [q for q in quiz.questions if q.type == "single_choice"]
    positions = [next(i for i, o in enumerate(q.data["options"]) if o["correct"]) for q in singles]
    assert max(positions.count(p) for p in set(positions)) <= max(2, len(singles) // 2)
    statements = [q for q in quiz.questions if q.type == "true_false"]
    true_keys = sum(q.data["options"][0]["correct"] for q in statements)
    assert abs(true_keys - len(statements) / 2) <= 1


def test_right_options_are_not_always_the_first_boxes():
    multiples = [q for quiz in QUIZZES for q in quiz.questions if q.type == "multiple_choice"]
    first_boxes = [q for q in multiples if [o["correct"] for o in q.data["options"]] == sorted((o["correct"] for o in q.data["options"]), reverse=True)]
    assert len(first_boxes) <= len(multiples) // 3
