"""Authors' work in progress: drafts of content files, and uploaded packages waiting for confirmation."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import LargeBinary
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


class PackageUpload(db.Model):
    """A course package an author uploaded, validated, waiting for the author to confirm it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, in the confirmation form's URL.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(200))
    #: The zip file itself.
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: What applying it would change (created, updated, archived), as shown to the author.
    summary: Mapped[dict] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    applied_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
