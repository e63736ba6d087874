"""The learning event log (xAPI-shaped) and the per-learner summary rows."""

import enum
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Verb(enum.StrEnum):
    """What a learner did; each verb maps to an ADL xAPI verb IRI."""

    EXPERIENCED = "experienced"
    COMPLETED = "completed"
    ANSWERED = "answered"
    PASSED = "passed"
    FAILED = "failed"
    COMMENTED = "commented"
    RESPONDED = "responded"
    #: The learner sent an activity's answer to the tutor.
    SUBMITTED = "submitted"
    #: The tutor reviewed it (validated, or to be reworked).
    SCORED = "scored"

    @property
    def iri(self) -> str:
        """The xAPI verb identifier (ADL's, or the registry's where ADL has none)."""
        return _VERB_IRIS.get(self, f"http://adlnet.gov/expapi/verbs/{self.value}")


#: Verbs outside ADL's own vocabulary, by their IRI in the xAPI registry.
_VERB_IRIS = {Verb.SUBMITTED: "http://activitystrea.ms/schema/1.0/submit"}


class ObjectType(enum.StrEnum):
    """What the action was about."""

    READING = "reading"
    QUIZ = "quiz"
    QUESTION = "question"
    DIAGNOSTIC = "diagnostic"
    ACTIVITY = "activity"


class FeedbackRating(enum.StrEnum):
    """A learner's verdict on a reading."""

    CLEAR = "clair"
    UNCLEAR = "pas_clair"
    TOO_LONG = "trop_long"


class LearningEvent(db.Model):
    """One learner action: actor, verb, object, result, cohort, time (an xAPI statement's core)."""

    __table_args__ = (
        Index("ix_learning_event_actor_time", "actor_id", "created_dt"),
        Index("ix_learning_event_cohort_time", "cohort_id", "created_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The learner; emptied when a learner is anonymised, the event itself is kept.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verb: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    #: xAPI-like result: score, success, completion, response.
    result: Mapped[dict | None] = mapped_column(JSON)
    #: Cohort the learner was in when acting, if any.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ReadingProgress(db.Model):
    """Where one learner stands on one reading."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"), primary_key=True, index=True)
    first_viewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_viewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    view_count: Mapped[int] = mapped_column(default=0)
    #: Set when the learner marks the reading as read.
    completed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReadingFeedback(db.Model):
    """A learner's latest verdict on a reading (clair / pas clair / trop long) and comment."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id"), primary_key=True, index=True)
    rating: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class QuizProgress(db.Model):
    """A learner's best result on a quiz; the best attempt counts."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True, index=True)
    attempt_count: Mapped[int] = mapped_column(default=0)
    #: Best score so far, from 0 to 1.
    best_score: Mapped[float] = mapped_column(default=0.0)
    is_passed: Mapped[bool] = mapped_column(default=False)
    #: When the quiz was first passed.
    passed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Failed attempts since the last pass (or since the start), for the "struggling" alert.
    failures_count: Mapped[int] = mapped_column(default=0)
    last_attempt_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def best_percent(self) -> int:
        """Best score as a whole percentage."""
        return round(self.best_score * 100)


class LearnerProgress(db.Model):
    """One row per learner for dashboards: counts and activity dates, kept with every event."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    readings_completed: Mapped[int] = mapped_column(default=0)
    quizzes_passed: Mapped[int] = mapped_column(default=0)
    activities_validated: Mapped[int] = mapped_column(default=0, server_default="0")
    first_activity_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
