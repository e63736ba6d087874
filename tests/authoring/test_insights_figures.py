"""The figures behind the insight pages, as pure functions: discrimination index, question and reading flags."""

import random

import pytest

from app.authoring.insights_queries import QuestionFlag
from app.authoring.insights_queries import Verdicts
from app.authoring.insights_queries import discrimination_by_question
from app.authoring.insights_queries import discrimination_index
from app.authoring.insights_queries import group_size
from app.authoring.insights_queries import question_flag
from app.progress.models import FeedbackRating


def attempts(scores: list[float], right: set[int]) -> list[tuple[int, float, bool]]:
    """Build ``(attempt_id, score, answered right)`` rows: attempt ``i + 1`` scored ``scores[i]``, right if ``i`` is in ``right``."""
    return [(i + 1, score, i in right) for i, score in enumerate(scores)]


#: Ten attempts with distinct scores, worst first: the lower group is 0-2, the upper one 7-9.
TEN = [i / 10 for i in range(10)]


@pytest.mark.parametrize(
    ("count", "size"),
    [(1, 1), (3, 1), (10, 3), (11, 3), (12, 3), (13, 4), (20, 5), (50, 14), (100, 27), (101, 27), (102, 28)],
)
def test_group_size_is_27_percent_rounded_half_up(count, size):
    assert group_size(count) == size


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (attempts(TEN, {7, 8, 9}), 1.0),  # only the best three right
        (attempts(TEN, {0, 1, 2}), -1.0),  # only the worst three right
        (attempts(TEN, set(range(10))), 0.0),  # everyone right
        (attempts(TEN, set()), 0.0),  # nobody right
        (attempts(TEN, {2, 5, 8, 9}), 1 / 3),  # upper 2 right, lower 1 right
        (attempts([i / 20 for i in range(20)], {0, 16, 17, 18, 19}), 0.6),  # groups of 5: (4 - 1) / 5
        (attempts([0.5] * 10, {7, 8, 9}), 1.0),  # equal scores: the earlier attempts rank lower
    ],
    ids=["best-right", "worst-right", "all-right", "none-right", "one-third", "twenty", "ties-by-attempt-order"],
)
def test_discrimination_index_at_known_values(rows, expected):
    assert discrimination_index(rows) == pytest.approx(expected)


def test_discrimination_index_does_not_depend_on_the_row_order():
    rows = attempts(TEN, {2, 5, 8, 9})
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    assert discrimination_index(shuffled) == discrimination_index(rows) == pytest.approx(1 / 3)


def test_discrimination_index_needs_ten_attempts():
    assert discrimination_index(attempts(TEN[:9], {6, 7, 8})) is None
    assert discrimination_index([]) is None
    assert discrimination_index(attempts(TEN, {7, 8, 9})) == 1.0


def test_discrimination_by_question_ranks_each_question_over_its_own_attempts():
    # Question 1 is in all ten attempts; question 2 (a newer version) only in the last nine.
    rows = [(i + 1, TEN[i], 1, i >= 7) for i in range(10)] + [(i + 1, TEN[i], 2, i in (1, 2, 3)) for i in range(1, 10)]
    assert discrimination_by_question(rows) == {1: 1.0, 2: None}


@pytest.mark.parametrize(
    ("answers", "right", "flag"),
    [
        (10, 0, QuestionFlag.TOO_HARD),
        (10, 2, QuestionFlag.TOO_HARD),
        (100, 29, QuestionFlag.TOO_HARD),
        (10, 3, None),  # exactly 30 %: not under
        (100, 30, None),
        (10, 7, None),
        (20, 19, None),  # exactly 95 %: not over
        (100, 95, None),
        (100, 96, QuestionFlag.TOO_EASY),
        (10, 10, QuestionFlag.TOO_EASY),
        (9, 0, None),  # fewer than ten answers: no flag either way
        (9, 9, None),
        (0, 0, None),
    ],
)
def test_question_flag_thresholds_and_minimum_count(answers, right, flag):
    assert question_flag(answers, right) == flag


@pytest.mark.parametrize(
    ("verdicts", "flags"),
    [
        (Verdicts(3, 2, 0), [FeedbackRating.UNCLEAR]),  # 40 % of 5
        (Verdicts(3, 0, 2), [FeedbackRating.TOO_LONG]),
        (Verdicts(1, 2, 2), [FeedbackRating.UNCLEAR, FeedbackRating.TOO_LONG]),
        (Verdicts(7, 3, 0), []),  # exactly 30 %: not over
        (Verdicts(0, 4, 0), []),  # fewer than five verdicts
        (Verdicts(5, 0, 0), []),  # "clair" never flags
        (Verdicts(), []),
    ],
)
def test_reading_flags_over_30_percent_of_at_least_5_verdicts(verdicts, flags):
    assert verdicts.flags == flags


def test_verdict_shares():
    verdicts = Verdicts(clear=2, unclear=1, too_long=1)
    assert verdicts.total == 4
    assert verdicts.share(FeedbackRating.CLEAR) == 0.5 and verdicts.share(FeedbackRating.TOO_LONG) == 0.25
    assert Verdicts().share(FeedbackRating.CLEAR) is None
