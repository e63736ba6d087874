"""Authors' work in progress: drafts of content files (uploaded packages are in :mod:`app.package.models`)."""

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


class Draft(db.Model):
    """The unpublished edit of one item, shared by every author; learners never see it.

    ``version`` goes up with every save: a save that names an older version than the stored one
    is refused (two authors editing at once), so no one's text is silently overwritten.
    """

    __table_args__ = (Index("uq_draft_item", "kind", "object_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of :class:`app.catalogue.revisions.ContentKind`.
    kind: Mapped[str] = mapped_column(String(10))
    object_id: Mapped[int]
    #: The whole file's text, as it would be published.
    source: Mapped[str] = mapped_column(Text)
    #: The published revision number the draft started from.
    base_number: Mapped[int]
    #: Incremented at each save (optimistic locking).
    version: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

