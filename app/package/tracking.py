"""What the last command-line import left, and what a new one would overwrite.

The database is the live source of truth: once authors work in the browser (publications,
restores, moves, archiving, uploaded packages), ``flask course import`` must not replace their
work unasked. After each command-line import, every item's digest is kept
(:class:`~app.package.models.ImportedItem`); an item whose live digest differs was changed
since. An item without a digest (created in the browser since, or a database older than this
record) is judged from its latest revision: changed unless an import wrote it.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select

from app.activities.models import Activity
from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import Revision
from app.catalogue.revisions import RevisionOrigin
from app.extensions import db
from app.package.items import Item
from app.package.items import summarise
from app.package.models import ImportedItem
from app.quizzes.models import Quiz

#: How to find the id of an item that has revisions, by kind (the self-diagnostic has none).
_OBJECT_ID = {
    "module": lambda key: select(Module.id).where(Module.slug == key),
    "reading": lambda key: select(Reading.id).where(Reading.slug == key),
    "activity": lambda key: select(Activity.id).where(Activity.slug == key),
    "quiz": lambda key: select(Quiz.id).join(Module, Module.id == Quiz.module_id).where(Module.slug == key),
}


@dataclass(frozen=True)
class Overwrite:
    """A live item that an import would change although it was changed since the last import."""

    kind: str
    key: str
    title: str
    #: What the import would do to it: ``updated``, ``moved`` or ``archived``.
    change: str
    #: Origin of its latest revision when not an import (``edit``, ``restore``, ``upload``);
    #: ``None`` when only its place or archived flag changed, which keeps no record of who.
    origin: str | None = None
    author: str | None = None
    when: datetime | None = None


class WouldOverwrite(Exception):
    """An import refused because it would overwrite changes made since the last import."""

    def __init__(self, items: list[Overwrite]):
        super().__init__(items)
        self.items = items


def record_import(items: list[Item]) -> None:
    """Remember ``items`` as the command-line import has just left them; flushes."""
    db.session.execute(delete(ImportedItem))
    db.session.add_all(ImportedItem(kind=item.kind, key=item.key, digest=item.digest()) for item in items)
    db.session.flush()


def overwrites(new: list[Item], live: list[Item]) -> list[Overwrite]:
    """List the live items that importing ``new`` would change and that were changed since the last import."""
    imported = {(kind, key): digest for kind, key, digest in db.session.execute(select(ImportedItem.kind, ImportedItem.key, ImportedItem.digest))}
    by_key = {(item.kind, item.key): item for item in live}
    found = []
    for change in summarise(new, live)["changes"]:
        if change["change"] == "created":
            continue  # nothing live to lose
        item = by_key[(change["kind"], change["key"])]
        latest = _latest_revision(item)
        digest = imported.get((item.kind, item.key))
        changed = digest != item.digest() if digest is not None else item.kind in _OBJECT_ID and (latest is None or latest[0] != RevisionOrigin.IMPORT)
        if changed:
            found.append(_overwrite(item, change["change"], latest))
    return found


def _latest_revision(item: Item) -> tuple | None:
    """Return the origin, author's name and date of the item's latest revision, if it has any."""
    if item.kind not in _OBJECT_ID:
        return None
    object_id = _OBJECT_ID[item.kind](item.key).scalar_subquery()
    return db.session.execute(
        select(Revision.origin, User.display_name, Revision.created_dt)
        .outerjoin(User, User.id == Revision.author_id)
        .where(Revision.kind == item.kind, Revision.object_id == object_id)
        .order_by(Revision.number.desc(), Revision.id.desc())
        .limit(1)
    ).first()


def _overwrite(item: Item, change: str, latest: tuple | None) -> Overwrite:
    if latest is None or latest[0] == RevisionOrigin.IMPORT:
        return Overwrite(item.kind, item.key, item.title, change)
    return Overwrite(item.kind, item.key, item.title, change, *latest)


#: How the refusal names each kind of item, what the import would do and who changed it.
KIND_LABELS = {"module": _l("module"), "reading": _l("lecture"), "activity": _l("activité"), "quiz": _l("quiz"), "diagnostic": _l("autodiagnostic")}
CHANGE_LABELS = {"updated": _l("remplacement par la version du paquet"), "moved": _l("retour à la place qu'il a dans le paquet"), "archived": _l("archivage (absent du paquet)")}
ORIGIN_LABELS = {
    RevisionOrigin.EDIT: _l("publication dans le navigateur"),
    RevisionOrigin.RESTORE: _l("restauration depuis l'historique"),
    RevisionOrigin.UPLOAD: _l("paquet envoyé dans le navigateur"),
}


def describe(item: Overwrite) -> str:
    """Return one line of the refusal: the item, what the import would do, who changed it and when."""
    what = _("%(kind)s %(key)s « %(title)s » : %(change)s", kind=KIND_LABELS[item.kind], key=item.key, title=item.title,
             change=CHANGE_LABELS[item.change])
    if item.origin is None:
        return what + _(" ; dernière modification : déplacement, archivage ou création dans le navigateur")
    who = item.author or _("auteur inconnu")
    return what + _(" ; dernière modification : %(origin)s par %(who)s le %(when)s UTC", origin=ORIGIN_LABELS[RevisionOrigin(item.origin)], who=who,
                    when=f"{item.when:%Y-%m-%d %H:%M}")
