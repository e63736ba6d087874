"""Quizzes, their questions, and learners' attempts."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Quiz(db.Model):
    """The quiz that closes a module."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Percentage of right answers needed to pass.
    pass_mark: Mapped[int]
    estimated_minutes: Mapped[int]
    #: Show the options of choice questions in a new order for each attempt (Moodle's "shuffle answers").
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    #: Multiple-answer questions earn Moodle's partial credit instead of all or nothing.
    partial_credit: Mapped[bool] = mapped_column(default=False)
    #: File name inside ``quizzes/``.
    filename: Mapped[str] = mapped_column(String(120))
    #: Exact text of the quiz file.
    source: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    is_archived: Mapped[bool] = mapped_column(default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    module: Mapped[Module] = relationship(lazy="joined", innerjoin=True)
    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz",
        order_by="Question.position",
        primaryjoin="and_(Question.quiz_id == Quiz.id, Question.is_archived == False)",  # noqa: E712
        viewonly=True,
        lazy="raise_on_sql",
    )

    @property
    def slug(self) -> str:
        """The quiz is named after its module."""
        return self.module.slug


LIVE = text("NOT is_archived")


class Question(db.Model):
    """One question; its type names a class of the question-type registry."""

    #: One live question per key; a question changed after learners answered it is archived and
    #: replaced by a new row, so past attempts keep the question as it was asked.
    __table_args__ = (Index("uq_question_live_key", "quiz_id", "key", unique=True, sqlite_where=LIVE, postgresql_where=LIVE),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    #: Identifier from the quiz file, stable across imports (and across versions of the question).
    key: Mapped[str] = mapped_column(String(80))
    #: Key of :data:`app.quizzes.question_types.QUESTION_TYPES`.
    type: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    #: The reading that answers the question.
    reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"))
    #: Type-specific content (options, right answers, feedback).
    data: Mapped[dict] = mapped_column(JSON)
    position: Mapped[int]
    is_archived: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    reading: Mapped[Reading] = relationship(lazy="joined", innerjoin=True)


class QuizAttempt(db.Model):
    """One submitted attempt at a quiz; the best attempt counts."""

    __table_args__ = (
        UniqueConstraint("user_id", "token"),
        CheckConstraint("correct_count <= question_count", name="correct_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    #: Random value carried by the quiz form: a resent form finds the attempt already made.
    token: Mapped[str] = mapped_column(String(64))
    #: Quiz revision the learner answered.
    quiz_revision: Mapped[int]
    correct_count: Mapped[int]
    question_count: Mapped[int]
    #: Share of right answers, from 0 to 1.
    score: Mapped[float]
    is_passed: Mapped[bool]
    submitted_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position", lazy="raise_on_sql"
    )
    quiz: Mapped[Quiz] = relationship(lazy="joined", innerjoin=True)

    @property
    def percent(self) -> int:
        """Score as a whole percentage."""
        return round(self.score * 100)

    @property
    def points(self) -> float:
        """Points earned, a question being worth one (partial credit earns shares of a point)."""
        return self.score * self.question_count


class AttemptAnswer(db.Model):
    """A learner's answer to one question in an attempt, as it was graded then."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int]
    #: Keys of the options the learner chose.
    response: Mapped[list[str]] = mapped_column(JSON)
    #: Keys of the options in the order the learner saw them (``None``: attempts made before
    #: options were shuffled, shown in the question's own order).
    shown_order: Mapped[list[str] | None] = mapped_column(JSON)
    #: Full marks only (partial credit is counted in :attr:`credit`).
    is_correct: Mapped[bool]
    #: The question's share of a point earned, from 0 to 1 (1 or 0 without partial credit).
    credit: Mapped[float] = mapped_column(default=0.0)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship(lazy="joined", innerjoin=True)
