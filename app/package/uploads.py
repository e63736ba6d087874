"""Moving the whole package in and out from the browser: download it, stage an upload, apply it.

An uploaded zip is checked (:mod:`app.package.archive`) and validated (the loaders) in a
temporary folder, then kept in a :class:`PackageUpload` row with a summary of what applying it
would change, so that any application instance can show the summary and apply it once its
author confirms. Nothing else changes before that confirmation.

The summary is computed by comparing the package's files with the published rows, without
writing anything, rather than by running the import inside a SAVEPOINT and rolling it back.
The import locks every content row and, through the progress recount, every learner's summary
row until it ends, renders every changed reading, and would do so for each upload an author
merely looks at; a comparison only reads. :func:`summarise` applies the import's own rules
(identity by slug, a change of text or an archived item is an update, an item missing from the
package is archived), and the tests check it against what the import then reports.
"""

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from app.catalogue.revisions import RevisionOrigin
from app.catalogue.services import CourseChanged
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.catalogue.services import course_stamp
from app.clock import now_utc
from app.contentfile import ContentInvalid
from app.extensions import db
from app.package.archive import DEFAULT_LIMITS
from app.package.archive import Limits
from app.package.archive import build_zip
from app.package.archive import extract_package
from app.package.archive import read_tree
from app.package.items import KINDS  # noqa: F401 (the review page lists kinds in this order)
from app.package.items import fingerprint
from app.package.items import live_items
from app.package.items import package_items
from app.package.items import summarise
from app.package.loader import Package
from app.package.loader import load_package
from app.package.models import PackageUpload
from app.package.services import export_package
from app.package.services import import_package

#: Uploads never confirmed are deleted this long after they were staged.
STALE_AFTER = timedelta(days=1)
#: Why a second confirmation (a double click, a second tab) is refused.
ALREADY_APPLIED = _l("Ce paquet a déjà été appliqué ; envoyez-le de nouveau pour l'appliquer encore.")
#: Why an application is undone when the course changed while it was being applied.
COURSE_CHANGED = _l("Le contenu publié a changé pendant l'application du paquet ; rien n'a été modifié. Confirmez de nouveau.")


class UploadRefused(ValueError):
    """An upload that cannot be applied as it stands; the message is meant for its author."""


class ContentChanged(UploadRefused):
    """The published content changed since the summary was made; the summary has been refreshed."""


def package_zip() -> bytes:
    """Return the published package as a zip holding exactly what ``flask course export`` writes."""
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        export_package(Path(folder))
        return build_zip(read_tree(Path(folder)))


def package_file_name(now: datetime) -> str:
    """Return the name offered for the downloaded package."""
    return f"paquet-de-cours-{now:%Y-%m-%d}.zip"


@contextmanager
def unpacked(data: bytes, limits: Limits) -> Iterator[tuple[Path, Path]]:
    """Extract the zip ``data`` into a temporary folder; yield its ``course`` and ``quizzes`` folders.

    :raise ArchiveRefused: if the zip is not a package that may be extracted.
    """
    with tempfile.TemporaryDirectory(prefix="paquet-") as folder:
        root = Path(folder)
        extract_package(data, root, limits)
        yield root / "course", root / "quizzes"


def valid_package(course_dir: Path, quizzes_dir: Path) -> Package:
    """Load an extracted package.

    :raise ContentInvalid: with every error, each naming its file and line.
    """
    package, errors = load_package(course_dir, quizzes_dir)
    if errors:
        raise ContentInvalid(errors)
    return package


def stage_upload(author_id: int, filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> PackageUpload:
    """Check an uploaded zip and keep it with what applying it would change; flushes.

    Unconfirmed uploads older than :data:`STALE_AFTER` are deleted on the way.

    :raise ArchiveRefused: if the zip is broken, leaves the package, or is too large.
    :raise ContentInvalid: if a file of the package has errors.
    """
    with unpacked(data, limits) as folders:
        package = valid_package(*folders)
    now = now_utc()
    purge_stale_uploads(now - STALE_AFTER)
    upload = PackageUpload(
        token=secrets.token_urlsafe(32),
        author_id=author_id,
        filename=filename[:200] or "paquet.zip",
        data=data,
        summary=summary_against_live(package),
        created_dt=now,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def purge_stale_uploads(before: datetime) -> None:
    """Delete the uploads never applied that were staged before ``before``."""
    db.session.execute(delete(PackageUpload).where(PackageUpload.applied_dt.is_(None), PackageUpload.created_dt < before))


def pending_uploads(author_id: int) -> list:
    """Return the author's uploads waiting for confirmation (token, file name, date), newest first."""
    return list(
        db.session.execute(
            select(PackageUpload.token, PackageUpload.filename, PackageUpload.created_dt)
            .where(PackageUpload.author_id == author_id, PackageUpload.applied_dt.is_(None))
            .order_by(PackageUpload.created_dt.desc())
        )
    )


def apply_upload(upload: PackageUpload, limits: Limits = DEFAULT_LIMITS) -> SyncReport:
    """Apply a staged upload to the published content, all or nothing; flushes, the caller commits.

    The new revisions are credited to the upload's author, as an upload: the next command-line
    import counts them as changes it would overwrite.

    :raise UploadRefused: if it was applied already, or the course changed while it was applied
        (then the session was rolled back).
    :raise ContentChanged: if the published content changed since the summary was made; the
        refreshed summary is kept on ``upload`` (commit it) and nothing else changes.
    :raise ContentInvalid: if the package no longer validates.
    """
    if upload.applied_dt is not None:
        raise UploadRefused(ALREADY_APPLIED)
    with unpacked(upload.data, limits) as folders:
        seen = course_stamp()  # before the check: a publication after it makes the import refuse
        _check_still_current(upload, valid_package(*folders))
        _claim(upload)
        try:
            report = import_package(*folders, Publication(author_id=upload.author_id, origin=RevisionOrigin.UPLOAD), seen_stamp=seen)
        except CourseChanged:
            db.session.rollback()  # the claim too: the author may confirm again
            raise UploadRefused(COURSE_CHANGED) from None
    db.session.flush()
    return report


def _check_still_current(upload: PackageUpload, package: Package) -> None:
    """Refresh the summary and refuse if the published content is no longer what it was computed on."""
    live = live_items()
    if fingerprint(live) != upload.summary.get("fingerprint"):
        upload.summary = summarise(package_items(package), live)
        raise ContentChanged(
            _("Le contenu publié a changé depuis l'envoi du paquet. Le résumé ci-dessous est à jour : relisez-le, puis confirmez de nouveau.")
        )


def _claim(upload: PackageUpload) -> None:
    """Mark the upload applied, unless another request did it first (two clicks, two instances)."""
    now = now_utc()
    claimed = db.session.execute(
        update(PackageUpload)
        .where(PackageUpload.id == upload.id, PackageUpload.applied_dt.is_(None))
        .values(applied_dt=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise UploadRefused(ALREADY_APPLIED)
    upload.applied_dt = now


def summary_against_live(package: Package) -> dict:
    """Return what importing ``package`` would change in the published content (reads only)."""
    return summarise(package_items(package), live_items())
