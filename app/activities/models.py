"""Activities (a course item, from the package) and the learners' submissions to them."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import deferred
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db

if TYPE_CHECKING:
    from app.catalogue.models import Module


class Activity(db.Model):
    """An applied activity of a module: the learner answers its brief, a tutor reviews the answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    #: Stable identity across imports and in URLs; unique over the whole course, readings included.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    estimated_minutes: Mapped[int]
    #: First and last line of the report the activity draws on.
    source_first_line: Mapped[int]
    source_last_line: Mapped[int]
    #: Order inside the module, among its readings (from the file's numeric prefix).
    position: Mapped[int]
    #: The brief, sanitised HTML rendered once at import time.
    brief_html: Mapped[str] = mapped_column(Text)
    #: What the tutor looks for in a good answer, one sentence each (shown to the learner too).
    criteria: Mapped[list[str]] = mapped_column(JSON)
    #: The learner may attach a file to an answer.
    accepts_file: Mapped[bool] = mapped_column(default=False)
    #: File name inside the module folder.
    filename: Mapped[str] = mapped_column(String(120))
    #: Exact text of the TOML file.
    source: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    is_archived: Mapped[bool] = mapped_column(default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    # Named, not imported: importing the catalogue loads its views, which reach this module.
    module: Mapped["Module"] = relationship("Module", lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Activity {self.slug}>"


class SubmissionStatus(enum.StrEnum):
    """Where one version of a learner's answer stands."""

    #: Being written; only the learner sees it.
    DRAFT = "draft"
    #: Sent, waiting for the tutor.
    SUBMITTED = "submitted"
    #: « validée » by the tutor: the activity is done.
    VALIDATED = "validated"
    #: « à retravailler »: the learner writes a new version.
    REWORK = "rework"


class Submission(db.Model):
    """One version of a learner's answer to an activity; every version is kept.

    A learner has at most one version that is not reviewed yet (a draft or a submission): the
    next version can start only once the tutor asked for a rework.
    """

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", "version"),
        # The tutor's list of answers waiting for review, oldest first.
        Index("ix_submission_status_time", "status", "submitted_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: 1 for the first answer, then one more for each rework.
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=SubmissionStatus.DRAFT.value)
    answer: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None]
    #: The attached file itself, loaded only when downloaded.
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: The tutor's feedback, written with the decision.
    feedback: Mapped[str | None] = mapped_column(Text)
    reviewed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_open(self) -> bool:
        """Still the learner's to write (a draft)."""
        return self.status == SubmissionStatus.DRAFT
