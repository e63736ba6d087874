"""Write operations on modules and readings: they flush, the caller commits."""

import uuid
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.catalogue.loader import ModuleSpec
from app.catalogue.loader import ReadingSpec
from app.catalogue.models import CourseState
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import ContentKind
from app.catalogue.revisions import RevisionOrigin
from app.catalogue.revisions import record_revision
from app.clock import now_utc
from app.extensions import db
from app.markdown import render_markdown


@dataclass
class SyncReport:
    """What an import changed, by kind of item."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: int = 0

    def merge(self, other: "SyncReport") -> None:
        """Add ``other``'s changes to this report."""
        self.created += other.created
        self.updated += other.updated
        self.archived += other.archived
        self.unchanged += other.unchanged


@dataclass(frozen=True)
class Publication:
    """Who publishes a new text, and how (an import unless said otherwise)."""

    author_id: int | None = None
    origin: RevisionOrigin = RevisionOrigin.IMPORT
    restored_from: int | None = None


IMPORT = Publication()


def apply_file(row, values: dict, source: str, label: str, report: SyncReport, is_new: bool, publication: Publication = IMPORT) -> None:
    """Copy ``values`` onto ``row``; bump its revision only when its file changed, and keep that text."""
    changed = is_new or row.source != source or row.is_archived
    text_changed = is_new or row.source != source or row.revision == 0  # 0: created by an author, never published
    for name, value in values.items():
        setattr(row, name, value)
    if is_new:
        report.created.append(label)
    elif changed:
        row.revision += 1
        row.updated_dt = now_utc()
        report.updated.append(label)
    else:
        report.unchanged += 1
    row.source = source
    row.is_archived = False
    if text_changed:
        db.session.flush()
        record_revision(ContentKind(type(row).__name__.lower()), row.id, row.revision, source, author_id=publication.author_id,
                        origin=publication.origin, restored_from=publication.restored_from)


def sync_modules(specs: list[ModuleSpec], publication: Publication = IMPORT) -> SyncReport:
    """Upsert modules and readings by slug; archive those no longer in the package.

    Rows are never deleted, so learner progress attached to them survives every import.
    """
    report = SyncReport()
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    readings = {r.slug: r for r in db.session.scalars(select(Reading))}
    for spec in specs:
        module = modules.get(spec.slug)
        is_new = module is None
        if is_new:
            module = Module(slug=spec.slug)
            db.session.add(module)
        apply_file(module, _module_values(spec), spec.source, f"module {spec.slug}", report, is_new, publication)
        db.session.flush()
        for reading_spec in spec.readings:
            _sync_reading(module, reading_spec, readings, report, publication)
    _archive_missing(modules.values(), {s.slug for s in specs}, "module", report)
    seen = {r.slug for s in specs for r in s.readings}
    _archive_missing(readings.values(), seen, "lecture", report)
    db.session.flush()  # the caller stamps the course, only if something changed
    return report


def bump_course_version() -> None:
    """Mark every cached page of the course as stale (titles, order or neighbours may have changed)."""
    state = db.session.get(CourseState, 1)
    if state is None:
        state = CourseState(id=1)
        db.session.add(state)
    state.stamp = uuid.uuid4().hex


def course_stamp() -> str | None:
    """Return the course's current stamp (``None`` before the first import)."""
    return db.session.scalar(select(CourseState.stamp).where(CourseState.id == 1))


class CourseChanged(RuntimeError):
    """The course was changed by someone else while a whole-course write was under way."""


def restamp_course(seen: str | None, changed: bool) -> None:
    """Give the course a new stamp if ``changed``, provided it still has the stamp ``seen``; flushes.

    The UPDATE itself checks ``seen`` (and locks the row until commit), so a publication that
    committed since ``seen`` was read makes this raise instead of being overwritten silently.
    Unchanged, the stamp is kept: every worker's cached pages stay valid.

    :raise CourseChanged: if the stamp is no longer ``seen``.
    """
    stamp = uuid.uuid4().hex if changed or seen is None else seen
    if seen is None:
        try:
            db.session.add(CourseState(id=1, stamp=stamp))
            db.session.flush()
        except IntegrityError as exc:  # another first import got there first
            raise CourseChanged(seen) from exc
        return
    updated = db.session.execute(
        update(CourseState).where(CourseState.id == 1, CourseState.stamp == seen).values(stamp=stamp)
    ).rowcount
    if updated != 1:
        raise CourseChanged(seen)


def _sync_reading(module: Module, spec: ReadingSpec, readings: dict[str, Reading], report: SyncReport, publication: Publication = IMPORT) -> None:
    reading = readings.get(spec.slug)
    is_new = reading is None
    if is_new:
        reading = Reading(slug=spec.slug)
        db.session.add(reading)
    values = _reading_values(spec)
    values["module_id"] = module.id
    if is_new or reading.source != spec.source:
        values["body_html"] = str(render_markdown(spec.body))
    apply_file(reading, values, spec.source, f"lecture {spec.slug}", report, is_new, publication)


def publish_module(module: Module, spec: ModuleSpec, publication: Publication) -> None:
    """Make ``spec`` (one module file's new text) the published module; flushes."""
    apply_file(module, _module_values(spec), spec.source, f"module {spec.slug}", SyncReport(), False, publication)
    bump_course_version()
    db.session.flush()


def publish_reading(reading: Reading, spec: ReadingSpec, publication: Publication) -> None:
    """Make ``spec`` (one reading file's new text) the published reading; flushes."""
    _sync_reading(reading.module, spec, {reading.slug: reading}, SyncReport(), publication)
    bump_course_version()
    db.session.flush()


def _archive_missing(rows, seen: set[str], kind: str, report: SyncReport) -> None:
    for row in rows:
        if row.slug not in seen and not row.is_archived:
            row.is_archived = True
            report.archived.append(f"{kind} {row.slug}")


def _module_values(spec: ModuleSpec) -> dict:
    return {
        "title": spec.title,
        "summary": spec.summary,
        "objectives": list(spec.objectives),
        "estimated_minutes": spec.estimated_minutes,
        "position": spec.position,
        "dirname": spec.dirname,
    }


def _reading_values(spec: ReadingSpec) -> dict:
    return {
        "title": spec.title,
        "estimated_minutes": spec.estimated_minutes,
        "interviewee": spec.interviewee,
        "role": spec.role,
        "organisation": spec.organisation,
        "source_first_line": spec.source_first_line,
        "source_last_line": spec.source_last_line,
        "position": spec.position,
        "filename": spec.filename,
    }
