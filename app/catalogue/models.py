"""Modules and readings, loaded from the course package."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.clock import now_utc
from app.db_types import UTCDateTime
from app.extensions import db


class Module(db.Model):
    """A chapter of the course (introduction or one sector), made of readings and a quiz."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identity across imports and in URLs.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Short plain-text summary shown on the course map.
    summary: Mapped[str] = mapped_column(Text)
    #: Learning objectives, one sentence each.
    objectives: Mapped[list[str]] = mapped_column(JSON)
    estimated_minutes: Mapped[int]
    #: Order on the course map (from the folder's numeric prefix).
    position: Mapped[int]
    #: Folder name inside ``course/``, kept so that export writes the package back as it was.
    dirname: Mapped[str] = mapped_column(String(120))
    #: Exact text of ``module.toml``.
    source: Mapped[str] = mapped_column(Text)
    #: Incremented each time an import changes this module's file.
    revision: Mapped[int] = mapped_column(default=1)
    #: Archived modules are hidden from learners; their progress rows are kept.
    is_archived: Mapped[bool] = mapped_column(default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    readings: Mapped[list["Reading"]] = relationship(
        back_populates="module", order_by="Reading.position", lazy="raise_on_sql"
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Reading(db.Model):
    """A page of the course, written from one part of the report."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    #: Stable identity across imports and in URLs; unique over the whole course.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    estimated_minutes: Mapped[int]
    #: Person interviewed, their role and organisation, as spelled in the report's contents.
    interviewee: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: First and last line of the report this reading draws on.
    source_first_line: Mapped[int]
    source_last_line: Mapped[int]
    #: Order inside the module (from the file's numeric prefix).
    position: Mapped[int]
    #: Sanitised HTML, rendered once at import time.
    body_html: Mapped[str] = mapped_column(Text)
    #: File name inside the module folder.
    filename: Mapped[str] = mapped_column(String(120))
    #: Exact text of the Markdown file, front matter included.
    source: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    is_archived: Mapped[bool] = mapped_column(default=False)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    module: Mapped[Module] = relationship(back_populates="readings", lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Reading {self.slug}>"


class CourseState(db.Model):
    """A single row whose ``stamp`` changes with every import, so cached pages know they are stale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A new random value at each import (and, later, each publication); random rather than a
    #: counter so that a database rebuilt from scratch can never match an old cached page.
    stamp: Mapped[str] = mapped_column(String(32))
