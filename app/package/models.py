"""The package domain's tables: uploads waiting for confirmation, and what the last import left."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


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


class ImportedItem(db.Model):
    """One published item as the last command-line import left it.

    ``flask course import`` compares the live items with these digests: an item that differs was
    changed since (published or restored in the browser, moved, archived, replaced by an uploaded
    package), so the import refuses to overwrite it without ``--force``. Only that import writes
    here: an author's upload is a change like any other.
    """

    __table_args__ = (Index("uq_imported_item", "kind", "key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``module``, ``reading``, ``quiz`` or ``diagnostic``.
    kind: Mapped[str] = mapped_column(String(10))
    #: The item's slug (a quiz is named after its module).
    key: Mapped[str] = mapped_column(String(80))
    #: SHA-256 of the item's text, place and archived flag.
    digest: Mapped[str] = mapped_column(String(64))
