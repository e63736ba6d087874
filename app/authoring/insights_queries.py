"""Read-only figures for authors: what learners say about readings and how they answer questions.

Everything here is an aggregate or an anonymous comment (its text and date): no function returns
a learner's name, email or id, so no page built on them can show one.

The discrimination index is the classic upper/lower 27 % one. For one question version, take the
attempts that include it, rank them by their total score (ties by attempt order, the earlier
attempt ranking lower), and let ``g`` be 27 % of them, rounded half up (at least one); then
``D = (right answers in the top g - right answers in the bottom g) / g``, from -1 to 1. Below
:data:`MIN_ANSWERS` attempts it is not computed.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import ReadingFeedback
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt

#: A reading is flagged for a verdict given by strictly more than this share of its verdicts...
VERDICT_FLAG_SHARE = 0.30
#: ...once it has at least this many verdicts.
MIN_VERDICTS = 5
#: The verdicts that can flag a reading.
NEGATIVE_RATINGS = (FeedbackRating.UNCLEAR, FeedbackRating.TOO_LONG)
#: Comments per page of a reading's comment page.
COMMENTS_PER_PAGE = 20
#: Answers needed before a question gets a flag or a discrimination index.
MIN_ANSWERS = 10
#: A question answered right by strictly less than this share is flagged as too hard...
TOO_HARD_SHARE = 0.30
#: ...and by strictly more than this share as too easy.
TOO_EASY_SHARE = 0.95
#: Share of the ranked attempts in each of the upper and lower groups, in hundredths.
GROUP_PERCENT = 27


class ReadingSort(StrEnum):
    """Orders of the readings table (the query string's ``tri``)."""

    COURSE = "ordre"
    UNCLEAR = "pas_clair"
    TOO_LONG = "trop_long"


class QuestionFlag(StrEnum):
    """Why a question's share of right answers deserves a look."""

    TOO_HARD = "difficile"
    TOO_EASY = "facile"


@dataclass(frozen=True)
class Verdicts:
    """How many learners found a reading clear, unclear or too long (each learner's latest verdict)."""

    clear: int = 0
    unclear: int = 0
    too_long: int = 0

    @property
    def total(self) -> int:
        """Number of verdicts."""
        return self.clear + self.unclear + self.too_long

    def count(self, rating: FeedbackRating) -> int:
        """Return the number of verdicts ``rating``."""
        return {FeedbackRating.CLEAR: self.clear, FeedbackRating.UNCLEAR: self.unclear, FeedbackRating.TOO_LONG: self.too_long}[rating]

    def share(self, rating: FeedbackRating) -> float | None:
        """Return the share (0 to 1) of verdicts ``rating``; ``None`` without any verdict."""
        return self.count(rating) / self.total if self.total else None

    @property
    def flags(self) -> list[FeedbackRating]:
        """Return the negative verdicts given by over 30 % of at least 5 verdicts."""
        if self.total < MIN_VERDICTS:
            return []
        return [rating for rating in NEGATIVE_RATINGS if self.count(rating) / self.total > VERDICT_FLAG_SHARE]


@dataclass(frozen=True)
class ReadingLine:
    """One reading of the course with its verdicts and how many comments it got."""

    reading: Reading
    verdicts: Verdicts
    comments: int

    @property
    def is_archived(self) -> bool:
        """The reading, or its whole module, is no longer shown to learners."""
        return self.reading.is_archived or self.reading.module.is_archived


@dataclass(frozen=True)
class Comment:
    """A learner's comment on a reading, without its author."""

    text: str
    updated_dt: datetime


@dataclass(frozen=True)
class CommentPage:
    """One page of a reading's comments, newest first."""

    items: list[Comment]
    number: int
    pages: int
    total: int


@dataclass(frozen=True)
class QuizLine:
    """A quiz with its number of attempts."""

    quiz: Quiz
    attempts: int


@dataclass(frozen=True)
class QuestionStats:
    """How one version of a question was answered."""

    question: Question
    answers: int = 0
    right: int = 0
    #: ``None`` below :data:`MIN_ANSWERS` attempts.
    discrimination: float | None = None

    @property
    def share_right(self) -> float | None:
        """Share (0 to 1) of right answers; ``None`` before any answer."""
        return self.right / self.answers if self.answers else None

    @property
    def flag(self) -> QuestionFlag | None:
        """See :func:`question_flag`."""
        return question_flag(self.answers, self.right)


@dataclass(frozen=True)
class QuizStats:
    """A quiz's questions with their figures: live versions in quiz order, archived versions apart."""

    live: list[QuestionStats]
    archived: list[QuestionStats]


def _verdict_count(rating: FeedbackRating):
    """Count the rows of a group holding ``rating``."""
    return func.count(case((ReadingFeedback.rating == rating.value, 1)))


#: A comment left, and not blanked by an anonymisation.
HAS_COMMENT = ReadingFeedback.comment.is_not(None) & (ReadingFeedback.comment != "")


def _feedback_figures():
    """Return a subquery of verdict and comment counts per reading."""
    return (
        select(
            ReadingFeedback.reading_id,
            _verdict_count(FeedbackRating.CLEAR).label("n_clear"),
            _verdict_count(FeedbackRating.UNCLEAR).label("n_unclear"),
            _verdict_count(FeedbackRating.TOO_LONG).label("n_too_long"),
            func.count(case((HAS_COMMENT, 1))).label("n_comments"),
        )
        .group_by(ReadingFeedback.reading_id)
        .subquery()
    )


def reading_lines(sort: ReadingSort = ReadingSort.COURSE) -> list[ReadingLine]:
    """Return every reading (live modules first, in course order) with its verdicts, in one query.

    :param sort: :attr:`ReadingSort.UNCLEAR` or :attr:`ReadingSort.TOO_LONG` put the readings with the
        highest share of that verdict first (readings without verdicts last, in course order).
    """
    figures = _feedback_figures()
    rows = db.session.execute(
        select(Reading, figures.c.n_clear, figures.c.n_unclear, figures.c.n_too_long, figures.c.n_comments)
        .join(Reading.module)
        .options(contains_eager(Reading.module))
        .outerjoin(figures, figures.c.reading_id == Reading.id)
        .order_by(Module.is_archived, Module.position, Reading.position)
    ).all()
    lines = [
        ReadingLine(reading, Verdicts(clear or 0, unclear or 0, too_long or 0), comments or 0)
        for reading, clear, unclear, too_long, comments in rows
    ]
    if sort is ReadingSort.COURSE:
        return lines
    rating = FeedbackRating.UNCLEAR if sort is ReadingSort.UNCLEAR else FeedbackRating.TOO_LONG
    # sorted() is stable: equal shares keep the course order.
    return sorted(lines, key=lambda line: -(line.verdicts.share(rating) if line.verdicts.total else -1))


def reading_verdicts(reading_id: int) -> Verdicts:
    """Return the verdicts on one reading."""
    row = db.session.execute(
        select(_verdict_count(FeedbackRating.CLEAR), _verdict_count(FeedbackRating.UNCLEAR), _verdict_count(FeedbackRating.TOO_LONG)).where(
            ReadingFeedback.reading_id == reading_id
        )
    ).one()
    return Verdicts(*row)


def reading_comments(reading_id: int, page: int, per_page: int = COMMENTS_PER_PAGE) -> CommentPage:
    """Return page ``page`` (clamped into range) of a reading's comments, newest first: text and date only."""
    total = db.session.scalar(select(func.count()).where(ReadingFeedback.reading_id == reading_id, HAS_COMMENT))
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    rows = db.session.execute(
        select(ReadingFeedback.comment, ReadingFeedback.updated_dt)
        .where(ReadingFeedback.reading_id == reading_id, HAS_COMMENT)
        .order_by(ReadingFeedback.updated_dt.desc(), ReadingFeedback.comment)
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return CommentPage([Comment(text, updated_dt) for text, updated_dt in rows], number, pages, total)


def quiz_lines() -> list[QuizLine]:
    """Return every quiz (live modules first, in course order) with its number of attempts, in one query."""
    counts = select(QuizAttempt.quiz_id, func.count().label("n")).group_by(QuizAttempt.quiz_id).subquery()
    rows = db.session.execute(
        select(Quiz, func.coalesce(counts.c.n, 0))
        .join(Quiz.module)
        .options(contains_eager(Quiz.module))
        .outerjoin(counts, counts.c.quiz_id == Quiz.id)
        .order_by(Module.is_archived, Module.position)
    ).all()
    return [QuizLine(quiz, n) for quiz, n in rows]


def question_flag(answers: int, right: int) -> QuestionFlag | None:
    """Flag a question answered right by under 30 % (too hard) or over 95 % (too easy) of at least 10 answers."""
    if answers < MIN_ANSWERS:
        return None
    share = right / answers
    if share < TOO_HARD_SHARE:
        return QuestionFlag.TOO_HARD
    if share > TOO_EASY_SHARE:
        return QuestionFlag.TOO_EASY
    return None


def group_size(attempts: int) -> int:
    """Return the size of the upper and lower groups: 27 % of ``attempts``, rounded half up, at least 1."""
    return max(1, (GROUP_PERCENT * attempts + 50) // 100)


def discrimination_index(attempts: Sequence[tuple[int, float, bool]]) -> float | None:
    """Return the upper/lower 27 % discrimination index of one question (see the module docstring).

    :param attempts: ``(attempt_id, attempt score, answered right)`` of every attempt that includes
        the question.
    :return: from -1 to 1; ``None`` below :data:`MIN_ANSWERS` attempts.
    """
    if len(attempts) < MIN_ANSWERS:
        return None
    ranked = sorted(attempts, key=lambda a: (a[1], a[0]))
    size = group_size(len(ranked))
    lower = sum(is_right for _id, _score, is_right in ranked[:size])
    upper = sum(is_right for _id, _score, is_right in ranked[-size:])
    return (upper - lower) / size


def discrimination_by_question(rows: Iterable[tuple[int, float, int, bool]]) -> dict[int, float | None]:
    """Return each question's discrimination index from a quiz's answers.

    :param rows: ``(attempt_id, attempt score, question_id, answered right)``, one per answer.
    """
    by_question = defaultdict(list)
    for attempt_id, score, question_id, is_right in rows:
        by_question[question_id].append((attempt_id, score, bool(is_right)))
    return {question_id: discrimination_index(attempts) for question_id, attempts in by_question.items()}


def _answer_counts(quiz_id: int) -> dict[int, tuple[int, int]]:
    """Return ``question_id -> (answers, right answers)`` over every version of the quiz's questions."""
    rows = db.session.execute(
        select(AttemptAnswer.question_id, func.count(), func.count(case((AttemptAnswer.is_correct, 1))))
        .join(Question, Question.id == AttemptAnswer.question_id)
        .where(Question.quiz_id == quiz_id)
        .group_by(AttemptAnswer.question_id)
    )
    return {question_id: (answers, right) for question_id, answers, right in rows}


def _answer_rows(quiz_id: int) -> list[tuple[int, float, int, bool]]:
    """Return ``(attempt_id, attempt score, question_id, answered right)`` for every answer to the quiz."""
    return (
        db.session.execute(
            select(QuizAttempt.id, QuizAttempt.score, AttemptAnswer.question_id, AttemptAnswer.is_correct)
            .join(AttemptAnswer, AttemptAnswer.attempt_id == QuizAttempt.id)
            .where(QuizAttempt.quiz_id == quiz_id)
        )
        .tuples()
        .all()
    )


def quiz_stats(quiz: Quiz) -> QuizStats:
    """Return the figures of every question version of ``quiz``, in three queries whatever its size.

    Live versions come in quiz order, with or without answers; archived versions only if they
    were answered, by key and then oldest first.
    """
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position, Question.key, Question.id)
    ).all()
    counts = _answer_counts(quiz.id)
    indices = discrimination_by_question(_answer_rows(quiz.id))
    lines = [QuestionStats(q, *counts.get(q.id, (0, 0)), indices.get(q.id)) for q in questions]
    archived = sorted(
        (line for line in lines if line.question.is_archived and line.answers), key=lambda line: (line.question.key, line.question.id)
    )
    return QuizStats([line for line in lines if not line.question.is_archived], archived)
