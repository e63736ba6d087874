"""The contact log: every time a tutor reached (or tried to reach) a learner."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Contact(db.Model):
    """One contact a tutor logged with a learner who had agreed to be contacted."""

    __table_args__ = (
        Index("ix_contact_cohort_learner", "cohort_id", "learner_id"),
        Index("ix_contact_tutor_time", "tutor_id", "contacted_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tutor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: A key of :data:`app.tutoring.services.CHANNELS` (telephone, email...).
    channel: Mapped[str] = mapped_column(String(20))
    #: A key of :data:`app.tutoring.services.OUTCOMES` (reached, no answer...).
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    #: The alert this contact answered, if any.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    contacted_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
