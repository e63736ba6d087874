"""A learner's certificate of completion, with what it states frozen at issue."""

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Certificate(db.Model):
    """One learner's certificate: what it says is copied at issue, so that it reads the same for ever.

    One per learner (the course is one): a second request gives the same certificate back.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    #: The verification code printed on it and named by its public page; random, not guessable.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    learner_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    cohort_name: Mapped[str | None] = mapped_column(String(120))
    #: The learner's first action and the day the last item was done.
    started_on: Mapped[date]
    completed_on: Mapped[date]
    #: The course's estimated time, in minutes, when it was issued.
    minutes: Mapped[int]
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_valid(self) -> bool:
        """Not revoked."""
        return self.revoked_dt is None
