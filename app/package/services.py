"""Import the package into the database, and export it back to files."""

from pathlib import Path

from sqlalchemy import select

from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.services import IMPORT
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.catalogue.services import sync_modules
from app.contentfile import ContentInvalid
from app.diagnostic.models import Diagnostic
from app.diagnostic.services import sync_diagnostic
from app.extensions import db
from app.package.loader import load_package
from app.progress.services import recount_learner_progress
from app.quizzes.models import Quiz
from app.quizzes.services import sync_quizzes


def import_package(course_dir: Path, quizzes_dir: Path, publication: Publication = IMPORT) -> SyncReport:
    """Validate the whole package, then upsert it; flushes, the caller commits.

    :param publication: who the new revisions are credited to (nobody for the command line).

    :raise ContentInvalid: with every error found; nothing is written in that case.
    """
    package, errors = load_package(course_dir, quizzes_dir)
    if errors:
        raise ContentInvalid(errors)
    report = sync_modules(package.modules, publication)
    report.merge(sync_quizzes(package.quizzes, publication))
    report.merge(sync_diagnostic(package.diagnostic))
    db.session.flush()
    recount_learner_progress()  # archived or restored items change what counts as done
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
