"""A learner's rating of one of their tutors."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class TutorRating(db.Model):
    """What a learner says of a tutor: one rating per learner and tutor, which they may change."""

    __table_args__ = (
        UniqueConstraint("learner_id", "tutor_id"),
        CheckConstraint("helpfulness BETWEEN 1 AND 5", name="helpfulness_range"),
        CheckConstraint("clarity BETWEEN 1 AND 5", name="clarity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tutor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: How much the tutor helped, 1 to 5.
    helpfulness: Mapped[int]
    #: How clear the tutor's feedback was, 1 to 5.
    clarity: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
