"""Self-diagnostic statements and learners' ratings."""

import enum
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Phase(enum.StrEnum):
    """When the self-diagnostic is taken."""

    BEFORE = "before"
    AFTER = "after"


class Diagnostic(db.Model):
    """The course's self-diagnostic (a single row, loaded from ``quizzes/self-diagnostic.toml``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text)
    #: Labels of ratings 1 to 5.
    scale: Mapped[list[str]] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)


class DiagnosticStatement(db.Model):
    """A statement the learner rates from 1 to 5 ("Je sais expliquer...")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Identifier from the file, stable across imports.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    text: Mapped[str] = mapped_column(Text)
    #: Module whose objectives the statement reflects, if any.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    position: Mapped[int]
    is_archived: Mapped[bool] = mapped_column(default=False)


class DiagnosticAnswer(db.Model):
    """A learner's rating of one statement in one phase."""

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(10), primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("diagnostic_statement.id"), primary_key=True)
    rating: Mapped[int]
    answered_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
