"""Drafts, publication, revisions and restore for every kind of content file. They flush; the caller commits.

Each item (module, reading, quiz) is edited as its whole file text. A save stores a draft that
learners never see; a publication validates the text with the package's own parser, applies it
to the live row and keeps it as a revision. Saves and publications name the draft version and
the published revision they started from: if another author saved or published in between, the
operation is refused with both texts, and nothing is lost.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.activities.loader import parse_activity
from app.activities.models import Activity
from app.activities.services import publish_activity
from app.authoring.models import Draft
from app.catalogue.loader import parse_module
from app.catalogue.loader import parse_reading
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import ContentKind
from app.catalogue.revisions import Revision
from app.catalogue.revisions import RevisionOrigin
from app.catalogue.services import Publication
from app.catalogue.services import publish_module
from app.catalogue.services import publish_reading
from app.contentfile import ContentError
from app.contentfile import ContentInvalid
from app.extensions import db
from app.quizzes.loader import parse_quiz
from app.quizzes.models import Quiz
from app.quizzes.services import publish_quiz


@dataclass(frozen=True)
class ItemKind:
    """How one kind of content file is found, named, parsed and published."""

    kind: ContentKind
    model: type
    path: Callable[[object], str]
    parse: Callable[[object, str], tuple[object | None, list[ContentError]]]
    publish: Callable[[object, object, Publication], None]
    #: Errors that forbid publishing the item now (whatever its text), if any.
    blockers: Callable[[object], list[ContentError]] = lambda row: []


def _parse_module(row: Module, text: str):
    spec, errors = parse_module(text, _module_path(row), row.position, row.dirname)
    if spec is not None and spec.slug != row.slug:
        return None, [ContentError(_module_path(row), None, _("le slug ne peut pas changer (il reste %(slug)s)", slug=row.slug))]
    return spec, errors


def _parse_reading(row: Reading, text: str):
    spec, errors = parse_reading(text, _reading_path(row), row.position, row.filename)
    if spec is not None and spec.slug != row.slug:
        return None, [ContentError(_reading_path(row), None, _("le slug ne peut pas changer (il reste %(slug)s)", slug=row.slug))]
    return spec, errors


def _parse_quiz(row: Quiz, text: str):
    path = f"quizzes/{row.filename}"
    spec, errors = parse_quiz(text, path, row.filename)
    if spec is None:
        return None, errors
    if spec.module_slug != row.module.slug:
        return None, [ContentError(path, None, _("module doit rester %(slug)s", slug=row.module.slug))]
    live = set(db.session.scalars(select(Reading.slug).where(Reading.is_archived.is_(False))))
    missing = [ContentError(path, q.reading_line, _("lecture inconnue ou archivée : %(slug)s", slug=q.reading_slug)) for q in spec.questions if q.reading_slug not in live]
    return (None, missing) if missing else (spec, [])


def _activity_path(row: Activity) -> str:
    return f"course/{row.module.dirname}/{row.filename}"


def _parse_activity(row: Activity, text: str):
    spec, errors = parse_activity(text, _activity_path(row), row.module.dirname, row.position, row.filename)
    if spec is not None and spec.slug != row.slug:
        return None, [ContentError(_activity_path(row), None, _("le slug ne peut pas changer (il reste %(slug)s)", slug=row.slug))]
    return spec, errors


def _module_blockers(row: Module) -> list[ContentError]:
    """A module goes live only with at least one live reading (learners would find it empty)."""
    live = db.session.scalar(select(Reading.id).where(Reading.module_id == row.id, Reading.is_archived.is_(False)).limit(1))
    return [] if live is not None else [ContentError(_module_path(row), None, _("publiez d'abord au moins une lecture de ce module"))]


def _module_path(row: Module) -> str:
    return f"course/{row.dirname}/module.toml"


def _reading_path(row: Reading) -> str:
    return f"course/{row.module.dirname}/{row.filename}"


KINDS = {
    ContentKind.MODULE: ItemKind(ContentKind.MODULE, Module, _module_path, _parse_module, publish_module, _module_blockers),
    ContentKind.READING: ItemKind(ContentKind.READING, Reading, _reading_path, _parse_reading, publish_reading),
    ContentKind.ACTIVITY: ItemKind(ContentKind.ACTIVITY, Activity, _activity_path, _parse_activity, publish_activity),
    ContentKind.QUIZ: ItemKind(ContentKind.QUIZ, Quiz, lambda row: f"quizzes/{row.filename}", _parse_quiz, publish_quiz),
}


@dataclass(frozen=True)
class Item:
    """One module, reading or quiz as an author edits it."""

    kind: ItemKind
    row: object

    @property
    def key(self) -> tuple[str, int]:
        """The draft's and revisions' identity."""
        return (self.kind.kind.value, self.row.id)

    @property
    def path(self) -> str:
        """The file's place in the package (for error messages)."""
        return self.kind.path(self.row)


def find_item(kind: str, object_id: int) -> Item | None:
    """Return the item, or ``None`` for an unknown kind or id."""
    try:
        item_kind = KINDS[ContentKind(kind)]
    except ValueError:
        return None
    row = db.session.get(item_kind.model, object_id)
    return Item(item_kind, row) if row is not None else None


def draft_of(item: Item) -> Draft | None:
    """Return the item's draft, if an author saved one."""
    kind, object_id = item.key
    return db.session.scalar(select(Draft).where(Draft.kind == kind, Draft.object_id == object_id))


@dataclass(frozen=True)
class Working:
    """The text an editor opens: the draft if there is one, else the published text."""

    source: str
    #: Draft version the editor starts from (0: no draft yet).
    version: int
    #: Published revision number the editor starts from.
    base: int
    draft: Draft | None
    #: The published revision number now.
    live: int = 0

    @property
    def is_stale(self) -> bool:
        """A revision was published after the draft began: publishing it would replace that one."""
        return self.draft is not None and self.base != self.live


def working_copy(item: Item) -> Working:
    """Return what the editor should show."""
    draft = draft_of(item)
    if draft is not None:
        return Working(draft.source, draft.version, draft.base_number, draft, item.row.revision)
    return Working(item.row.source, 0, item.row.revision, None, item.row.revision)


class EditConflict(Exception):
    """Another author saved or published since this editor opened; nothing was written.

    ``theirs`` is the text now stored (draft or published), ``version`` and ``base`` what a new
    attempt must name to replace it knowingly.
    """

    def __init__(self, theirs: str, version: int, base: int, who: int | None):
        super().__init__("edit conflict")
        self.theirs, self.version, self.base, self.who = theirs, version, base, who


def validate(item: Item, source: str) -> list[ContentError]:
    """Check a text with the package's own parser; return its errors (file and line)."""
    _spec, errors = item.kind.parse(item.row, source)
    return errors


def _refuse_if_stale(item: Item, version: int, base: int) -> None:
    draft = draft_of(item)
    current_version = draft.version if draft else 0
    if current_version != version or item.row.revision != base:
        theirs = draft.source if draft else item.row.source
        raise EditConflict(theirs, current_version, item.row.revision, draft.author_id if draft else None)


def save_draft(item: Item, source: str, *, version: int, base: int, author_id: int, now: datetime) -> Draft:
    """Store ``source`` as the item's draft.

    :param version: the draft version the author's editor started from (0 when there was none).
    :param base: the published revision it started from.
    :raise ContentInvalid: if the text does not pass the package's checks (nothing is stored).
    :raise EditConflict: if someone saved or published in between.
    """
    errors = validate(item, source)
    if errors:
        raise ContentInvalid(errors)
    _refuse_if_stale(item, version, base)
    kind, object_id = item.key
    if version == 0:
        draft = Draft(kind=kind, object_id=object_id, source=source, base_number=base, version=1, author_id=author_id, updated_dt=now)
        try:
            with db.session.begin_nested():
                db.session.add(draft)
        except IntegrityError:  # another author's first save won the race
            _refuse_if_stale(item, version, base)
            raise
        return draft
    saved = db.session.execute(
        update(Draft)
        .where(Draft.kind == kind, Draft.object_id == object_id, Draft.version == version)
        .values(source=source, version=version + 1, author_id=author_id, updated_dt=now)
    )
    if saved.rowcount != 1:  # a concurrent save took this version first
        _refuse_if_stale(item, -1, base)
    db.session.expire_all()
    return draft_of(item)


def discard_draft(item: Item) -> bool:
    """Delete the item's draft; return whether there was one."""
    kind, object_id = item.key
    return db.session.execute(delete(Draft).where(Draft.kind == kind, Draft.object_id == object_id)).rowcount > 0


def publish(item: Item, source: str, *, version: int, base: int, author_id: int,
            origin: RevisionOrigin = RevisionOrigin.EDIT, restored_from: int | None = None) -> None:
    """Publish ``source``: learners see it from now on; it is kept as a new revision; the draft goes.

    :raise ContentInvalid: if the text does not pass the package's checks (nothing changes).
    :raise EditConflict: if someone saved or published since ``version``/``base``.
    """
    spec, errors = item.kind.parse(item.row, source)
    errors = errors or item.kind.blockers(item.row)
    if errors:
        raise ContentInvalid(errors)
    _refuse_if_stale(item, version, base)
    item.kind.publish(item.row, spec, Publication(author_id, origin, restored_from))
    discard_draft(item)


def restore(item: Item, number: int, *, author_id: int) -> None:
    """Publish an old revision's text again, as a new revision (the history keeps everything).

    :raise LookupError: for an unknown revision number.
    :raise ContentInvalid: if that old text no longer passes today's checks (e.g. a reading gone).
    """
    old = revision(item, number)
    if old is None:
        raise LookupError(number)
    draft = draft_of(item)
    publish(item, old.source, version=draft.version if draft else 0, base=item.row.revision, author_id=author_id,
            origin=RevisionOrigin.RESTORE, restored_from=number)


def revision(item: Item, number: int) -> Revision | None:
    """Return one revision of the item."""
    kind, object_id = item.key
    return db.session.scalar(select(Revision).where(Revision.kind == kind, Revision.object_id == object_id, Revision.number == number))


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: kept (" "), removed ("-") or added ("+"), with its numbers."""

    op: str
    text: str
    old_number: int | None
    new_number: int | None


def diff(old: str, new: str, context: int = 3) -> list[list[DiffLine]]:
    """Compare two texts line by line; return the changed hunks with a few lines around each."""
    a, b = old.splitlines(), new.splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine(" ", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            lines += [DiffLine("-", a[i], i + 1, None) for i in range(i1, i2)]
            lines += [DiffLine("+", b[j], None, j + 1) for j in range(j1, j2)]
        hunks.append(lines)
    return hunks
