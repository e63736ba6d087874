"""Every published version of a content file (module, reading or quiz), kept for history and restore.

A revision is written each time a file's published text changes, whoever changes it: a package
import, an author's publication, a restore. Lower domains (catalogue, quizzes) write them; the
authoring pages read them.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class ContentKind(enum.StrEnum):
    """What a content file describes."""

    MODULE = "module"
    READING = "reading"
    ACTIVITY = "activity"
    QUIZ = "quiz"


class RevisionOrigin(enum.StrEnum):
    """How a revision came to be published."""

    IMPORT = "import"
    EDIT = "edit"
    RESTORE = "restore"
    #: Applied from a package an author uploaded in the browser.
    UPLOAD = "upload"


class Revision(db.Model):
    """One published version of a content file."""

    __table_args__ = (Index("uq_revision_item_number", "kind", "object_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of :class:`ContentKind`.
    kind: Mapped[str] = mapped_column(String(10))
    #: Id of the module, reading or quiz.
    object_id: Mapped[int]
    #: The item's revision number (``Module.revision`` and so on) once this version was published.
    number: Mapped[int]
    #: The file's whole text.
    source: Mapped[str] = mapped_column(Text)
    #: Who published it; ``None`` for a command-line import.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: One of :class:`RevisionOrigin`.
    origin: Mapped[str] = mapped_column(String(10))
    #: For a restore, the number of the revision brought back.
    restored_from: Mapped[int | None]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


def record_revision(kind: ContentKind, object_id: int, number: int, source: str, *, author_id: int | None = None,
                    origin: RevisionOrigin = RevisionOrigin.IMPORT, restored_from: int | None = None) -> Revision:
    """Keep the text an item has just been published with; flushes."""
    revision = Revision(kind=kind.value, object_id=object_id, number=number, source=source, author_id=author_id,
                        origin=origin.value, restored_from=restored_from, created_dt=now_utc())
    db.session.add(revision)
    db.session.flush()
    return revision


def revisions_of(kind: ContentKind, object_id: int) -> list[Revision]:
    """Return an item's revisions, newest first."""
    return list(db.session.scalars(
        select(Revision).where(Revision.kind == kind.value, Revision.object_id == object_id).order_by(Revision.number.desc())
    ))
