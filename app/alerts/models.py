"""Lag alerts raised for tutors: one current alert per learner, cohort and kind."""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db

#: An alert is current until the learner no longer meets its rule; at most one current alert per
#: learner, cohort and kind, which the database itself guarantees (two runners cannot both insert).
CURRENT = text("closed_dt IS NULL")
#: Current and not resolved: the alerts a tutor may still have to see (snoozed ones until their day).
UNSETTLED = text("closed_dt IS NULL AND resolved_dt IS NULL")


class Alert(db.Model):
    """A rule that fires for a learner, with the figures behind it; updated, never duplicated."""

    __table_args__ = (
        Index("uq_alert_current", "cohort_id", "user_id", "kind", unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT),
        Index("ix_alert_cohort_user", "cohort_id", "user_id"),
        # The tutor's dashboard counts a cohort's learners with an open alert from this index alone.
        Index("ix_alert_unsettled", "cohort_id", "user_id", "snoozed_until", sqlite_where=UNSETTLED, postgresql_where=UNSETTLED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: One of :class:`app.alerts.rules.AlertKind`.
    kind: Mapped[str] = mapped_column(String(20))
    #: The figures behind the reason, as JSON (dates as ISO strings), refreshed by every run.
    figures: Mapped[dict] = mapped_column(JSON)
    opened_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when the learner no longer meets the rule (caught up): the alert closed by itself.
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when a tutor resolved it; while the rule holds no worse than then, no new alert of this kind opens.
    resolved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: The figures when it was resolved: the rule's later figures are compared with them, so a
    #: worse problem (two more failures, more days behind) opens a new alert.
    resolved_figures: Mapped[dict | None] = mapped_column(JSON)
    #: A tutor put it aside until this day (in the cohort's time zone).
    snoozed_until: Mapped[date | None]
    #: The automatic reminder for this alert was queued (or could not be, without consent).
    is_reminder_done: Mapped[bool] = mapped_column(default=False)

    @property
    def is_closed(self) -> bool:
        """The learner caught up."""
        return self.closed_dt is not None

    @property
    def is_resolved(self) -> bool:
        """A tutor resolved it."""
        return self.resolved_dt is not None

    def is_snoozed(self, today: date) -> bool:
        """Tell whether a tutor put it aside past ``today``."""
        return self.snoozed_until is not None and self.snoozed_until > today

    def is_open(self, today: date) -> bool:
        """Needs a tutor's attention today: current, not resolved, not snoozed."""
        return not self.is_closed and not self.is_resolved and not self.is_snoozed(today)
