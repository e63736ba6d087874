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

import hashlib
import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from app.authoring.models import PackageUpload
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.services import Publication
from app.catalogue.services import SyncReport
from app.clock import now_utc
from app.contentfile import ContentInvalid
from app.diagnostic.models import Diagnostic
from app.extensions import db
from app.package.archive import DEFAULT_LIMITS
from app.package.archive import Limits
from app.package.archive import build_zip
from app.package.archive import extract_package
from app.package.archive import read_tree
from app.package.loader import Package
from app.package.loader import load_package
from app.package.services import export_package
from app.package.services import import_package
from app.quizzes.models import Quiz

#: Uploads never confirmed are deleted this long after they were staged.
STALE_AFTER = timedelta(days=1)
#: Kinds of item, in the order the summary lists them.
KINDS = ("module", "reading", "quiz", "diagnostic")
#: What can happen to an item; an item whose file is the same in the same place is unchanged.
CHANGES = ("created", "updated", "moved", "archived")
#: Why a second confirmation (a double click, a second tab) is refused.
ALREADY_APPLIED = "Ce paquet a déjà été appliqué ; envoyez-le de nouveau pour l'appliquer encore."
#: Key of the self-diagnostic, the package's only file of its kind.
DIAGNOSTIC_KEY = "self-diagnostic"


class UploadRefused(ValueError):
    """An upload that cannot be applied as it stands; the message is meant for its author."""


class ContentChanged(UploadRefused):
    """The published content changed since the summary was made; the summary has been refreshed."""


@dataclass(frozen=True, order=True)
class Item:
    """One file of the package, as the summary compares it with the published one."""

    kind: str
    #: The slug (a quiz is named after its module).
    key: str
    title: str
    #: Where the file goes: the module's folder, a reading's module and file name, a file name.
    place: str
    source: str
    is_archived: bool = False


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

    The new revisions are credited to the upload's author.

    :raise UploadRefused: if it was applied already.
    :raise ContentChanged: if the published content changed since the summary was made; the
        refreshed summary is kept on ``upload`` (commit it) and nothing else changes.
    :raise ContentInvalid: if the package no longer validates.
    """
    if upload.applied_dt is not None:
        raise UploadRefused(ALREADY_APPLIED)
    with unpacked(upload.data, limits) as folders:
        _check_still_current(upload, valid_package(*folders))
        _claim(upload)
        report = import_package(*folders, Publication(author_id=upload.author_id))
    db.session.flush()
    return report


def _check_still_current(upload: PackageUpload, package: Package) -> None:
    """Refresh the summary and refuse if the published content is no longer what it was computed on."""
    live = live_items()
    if fingerprint(live) != upload.summary.get("fingerprint"):
        upload.summary = summarise(package_items(package), live)
        raise ContentChanged(
            "Le contenu publié a changé depuis l'envoi du paquet. Le résumé ci-dessous est à jour : relisez-le, puis confirmez de nouveau."
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


def package_items(package: Package) -> list[Item]:
    """List the items of a loaded package."""
    items = [Item("module", m.slug, m.title, m.dirname, m.source) for m in package.modules]
    items += [Item("reading", r.slug, r.title, f"{m.slug}/{r.filename}", r.source) for m in package.modules for r in m.readings]
    items += [Item("quiz", q.module_slug, q.title, q.filename, q.source) for q in package.quizzes]
    if package.diagnostic is not None:
        items.append(Item("diagnostic", DIAGNOSTIC_KEY, package.diagnostic.title, package.diagnostic.filename, package.diagnostic.source))
    return items


def live_items() -> list[Item]:
    """List the published items, archived ones included."""
    modules = select(Module.slug, Module.title, Module.dirname, Module.source, Module.is_archived)
    readings = select(Reading.slug, Reading.title, Module.slug, Reading.filename, Reading.source, Reading.is_archived).join(
        Module, Module.id == Reading.module_id
    )
    quizzes = select(Module.slug, Quiz.title, Quiz.filename, Quiz.source, Quiz.is_archived).join(Module, Module.id == Quiz.module_id)
    diagnostics = select(Diagnostic.title, Diagnostic.filename, Diagnostic.source)
    items = [Item("module", *row) for row in db.session.execute(modules)]
    for slug, title, module, filename, source, is_archived in db.session.execute(readings):
        items.append(Item("reading", slug, title, f"{module}/{filename}", source, is_archived))
    items += [Item("quiz", *row) for row in db.session.execute(quizzes)]
    items += [Item("diagnostic", DIAGNOSTIC_KEY, *row) for row in db.session.execute(diagnostics)]
    return items


def fingerprint(items: list[Item]) -> str:
    """Return a digest of the published items: it changes whenever the summary would."""
    text = json.dumps([asdict(item) for item in sorted(items)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summarise(new: list[Item], live: list[Item]) -> dict:
    """Compare a package's items with the published ones, by the import's rules (pure).

    :return: ``{"fingerprint", "changes": [{"change", "kind", "key", "title"}], "counts": {kind: {change: n}}}``;
        ``counts`` also holds each kind's ``unchanged`` items.
    """
    old = {(item.kind, item.key): item for item in live}
    counts = {kind: dict.fromkeys((*CHANGES, "unchanged"), 0) for kind in KINDS}
    changes = []
    for item in sorted(new, key=lambda i: KINDS.index(i.kind)):
        change = _change_of(item, old.get((item.kind, item.key)))
        counts[item.kind][change] += 1
        if change != "unchanged":
            changes.append({"change": change, "kind": item.kind, "key": item.key, "title": item.title})
    kept = {(item.kind, item.key) for item in new}
    for item in sorted(live, key=lambda i: KINDS.index(i.kind)):
        # The self-diagnostic is never archived: a package always has one.
        if (item.kind, item.key) not in kept and not item.is_archived and item.kind != "diagnostic":
            counts[item.kind]["archived"] += 1
            changes.append({"change": "archived", "kind": item.kind, "key": item.key, "title": item.title})
    return {"fingerprint": fingerprint(live), "changes": changes, "counts": counts}


def _change_of(item: Item, published: Item | None) -> str:
    if published is None:
        return "created"
    if published.source != item.source or published.is_archived:
        return "updated"
    # Same text elsewhere: the import moves or reorders it without a new revision.
    return "moved" if published.place != item.place else "unchanged"
