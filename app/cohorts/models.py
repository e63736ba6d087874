"""Cohorts and enrolments."""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.cohorts import mirror
from app.db_types import UTCDateTime
from app.extensions import db


class Cohort(db.Model):
    """A group of learners following the course from ``start_date`` to ``end_date``."""

    __table_args__ = (CheckConstraint("end_date > start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: IANA time zone in which the cohort's dates are read and shown.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    is_closed: Mapped[bool] = mapped_column(default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Alert thresholds (DESIGN.md section 5): days after the start with no activity, days behind
    #: the pace, days behind or idle for "at risk", failed attempts at one quiz for "struggling".
    not_started_days: Mapped[int] = mapped_column(default=3)
    behind_days: Mapped[int] = mapped_column(default=3)
    at_risk_days: Mapped[int] = mapped_column(default=7)
    inactive_days: Mapped[int] = mapped_column(default=7)
    struggling_failures: Mapped[int] = mapped_column(default=2)
    #: Days an answer to an activity may wait for the tutor's review before it is an alert.
    review_days: Mapped[int] = mapped_column(default=3, server_default="3")
    #: Email a reminder to a learner who agreed to be contacted when an alert opens for them.
    sends_reminders: Mapped[bool] = mapped_column(default=True)


class Enrolment(db.Model):
    """A learner's place in a cohort, with a copy of their standing for the tutor's table.

    The copies (items done to ``name_key``) are written by database triggers only, from the rows
    they mirror (see :mod:`app.cohorts.mirror`); the indexes below start with the cohort, so that
    the table's figures, filters, sorts and pages read one cohort's rows and nothing else.
    """

    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        # Progress order; its last columns let the figures be counted from the index alone.
        Index("ix_enrolment_cohort_done", "cohort_id", "items_done", "name_key", "user_id", "last_activity_dt", "first_activity_dt", "is_contactable"),
        Index("ix_enrolment_cohort_name", "cohort_id", "name_key", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    enrolled_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Readings completed plus quizzes passed (the learner's summary row).
    items_done: Mapped[int] = mapped_column(default=0, server_default="0")
    first_activity_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The learner's latest consent choice (no choice: False).
    is_contactable: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The learner's name in lower case, as the table sorts and searches it.
    name_key: Mapped[str] = mapped_column(String(120), default="", server_default="")


# Last-activity order, never active first (as the least recent); an expression, so declared here.
Index("ix_enrolment_cohort_activity", Enrolment.cohort_id, Enrolment.last_activity_dt.asc().nulls_first(), Enrolment.name_key, Enrolment.user_id)


class CohortTutor(db.Model):
    """A tutor following a cohort."""

    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)


class CohortWeek(db.Model):
    """How far the cohort's learners had gone at the end of one of its weeks (for the pace chart).

    Written by ``flask alerts run`` once a week is over, from the completion dates, so the chart of
    past weeks never scans the progress tables again.
    """

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    #: 1 for the end of the first week (``start_date + 7 days``), and so on.
    week: Mapped[int] = mapped_column(primary_key=True)
    learners: Mapped[int]
    #: Items done at that date: 10th, 25th, 50th, 75th and 90th percentiles, in that order.
    percentiles: Mapped[list] = mapped_column(JSON)
    computed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


mirror.install(db.metadata)
