"""Import the package into the database, and export it back to files."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.activities.models import Activity
from app.activities.services import sync_activities
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import RevisionOrigin
from app.catalogue.services import IMPORT
from app.catalogue.services import CourseChanged
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.catalogue.services import course_stamp
from app.catalogue.services import restamp_course
from app.catalogue.services import sync_modules
from app.contentfile import ContentInvalid
from app.diagnostic.models import Diagnostic
from app.diagnostic.services import sync_diagnostic
from app.extensions import db
from app.package.items import fingerprint
from app.package.items import live_items
from app.package.items import package_items
from app.package.loader import load_package
from app.package.tracking import WouldOverwrite
from app.package.tracking import overwrites
from app.package.tracking import record_import
from app.progress.services import recount_learner_progress
from app.quizzes.models import Quiz
from app.quizzes.services import sync_quizzes


def import_package(course_dir: Path, quizzes_dir: Path, publication: Publication = IMPORT, *, force: bool = False,
                   seen_stamp: str | None = None) -> SyncReport:
    """Validate the whole package, then upsert it; flushes, the caller commits.

    :param publication: who the new revisions are credited to (nobody for the command line).
    :param force: for a command-line import, overwrite what was changed since the last one.
    :param seen_stamp: the course stamp the caller's own checks were made against (read here if
        not given); the import refuses if the course was changed since.

    :raise ContentInvalid: with every error found; nothing is written in that case.
    :raise WouldOverwrite: (command-line import without ``force``) listing the items changed since
        the last import that this one would replace; nothing is written.
    :raise CourseChanged: if someone else changed the course during the import (roll back).
    """
    package, errors = load_package(course_dir, quizzes_dir)
    if errors:
        raise ContentInvalid(errors)
    from_command_line = publication.origin == RevisionOrigin.IMPORT
    seen = seen_stamp or course_stamp()  # read before the items: a change after this makes restamp_course refuse
    before = live_items()
    if from_command_line and not force:
        overwritten = overwrites(package_items(package), before)
        if overwritten:
            # Read again: another import that committed while these checks ran (PostgreSQL reads
            # each statement's own snapshot) changed what they compared; say so, not "changed by hand".
            if course_stamp() != seen:
                raise CourseChanged(seen)
            raise WouldOverwrite(overwritten)
    try:
        report = sync_modules(package.modules, publication)
        report.merge(sync_activities(package.activities, publication))
        report.merge(sync_quizzes(package.quizzes, publication))
        report.merge(sync_diagnostic(package.diagnostic))
        db.session.flush()
    except IntegrityError as exc:
        # The package was validated: a unique row (a revision number, a slug) can only clash with
        # one that a concurrent import or publication committed after ``seen`` was read.
        raise CourseChanged(seen) from exc
    recount_learner_progress()  # archived or restored items change what counts as done
    after = live_items()
    if from_command_line:
        record_import(after)
    # Everything an import writes is in the items (text, place, archived flag): if none changed,
    # the stamp stays and every worker keeps its cached pages.
    restamp_course(seen, changed=fingerprint(after) != fingerprint(before))
    return report


def export_package(target: Path) -> list[Path]:
    """Write the live package under ``target/course`` and ``target/quizzes``; return the files written."""
    files: dict[Path, str] = {}
    modules = {m.id: m for m in db.session.scalars(select(Module).where(Module.is_archived.is_(False)))}
    for module in modules.values():
        files[target / "course" / module.dirname / "module.toml"] = module.source
    for reading in db.session.scalars(select(Reading).where(Reading.is_archived.is_(False))):
        if reading.module_id in modules:
            files[target / "course" / modules[reading.module_id].dirname / reading.filename] = reading.source
    for activity in db.session.scalars(select(Activity).where(Activity.is_archived.is_(False))):
        if activity.module_id in modules:
            files[target / "course" / modules[activity.module_id].dirname / activity.filename] = activity.source
    for quiz in db.session.scalars(select(Quiz).where(Quiz.is_archived.is_(False))):
        files[target / "quizzes" / quiz.filename] = quiz.source
    diagnostic = db.session.scalar(select(Diagnostic))
    if diagnostic is not None:
        files[target / "quizzes" / diagnostic.filename] = diagnostic.source
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return sorted(files)
