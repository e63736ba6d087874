"""The items of a package (modules, readings, activities, quizzes, the self-diagnostic), from files or from the database.

Both the upload summary and the command-line import's overwrite check compare items this way:
identity by kind and slug, and what the import would write (text, place, archived flag).
"""

import hashlib
import json
from dataclasses import asdict
from dataclasses import dataclass

from sqlalchemy import select

from app.activities.models import Activity
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.diagnostic.models import Diagnostic
from app.extensions import db
from app.package.loader import Package
from app.quizzes.models import Quiz

#: Key of the self-diagnostic, the package's only file of its kind.
DIAGNOSTIC_KEY = "self-diagnostic"
#: Kinds of item, in the order the summary lists them.
KINDS = ("module", "reading", "activity", "quiz", "diagnostic")
#: What can happen to an item; an item whose file is the same in the same place is unchanged.
CHANGES = ("created", "updated", "moved", "archived")


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

    def digest(self) -> str:
        """Return a digest of everything an import would write for this item."""
        return _sha256(asdict(self))


def package_items(package: Package) -> list[Item]:
    """List the items of a loaded package."""
    items = [Item("module", m.slug, m.title, m.dirname, m.source) for m in package.modules]
    items += [Item("reading", r.slug, r.title, f"{m.slug}/{r.filename}", r.source) for m in package.modules for r in m.readings]
    modules = {m.dirname: m.slug for m in package.modules}
    items += [Item("activity", a.slug, a.title, f"{modules[a.dirname]}/{a.filename}", a.source) for a in package.activities]
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
    activities = select(Activity.slug, Activity.title, Module.slug, Activity.filename, Activity.source, Activity.is_archived).join(
        Module, Module.id == Activity.module_id
    )
    quizzes = select(Module.slug, Quiz.title, Quiz.filename, Quiz.source, Quiz.is_archived).join(Module, Module.id == Quiz.module_id)
    diagnostics = select(Diagnostic.title, Diagnostic.filename, Diagnostic.source)
    items = [Item("module", *row) for row in db.session.execute(modules)]
    for slug, title, module, filename, source, is_archived in db.session.execute(readings):
        items.append(Item("reading", slug, title, f"{module}/{filename}", source, is_archived))
    for slug, title, module, filename, source, is_archived in db.session.execute(activities):
        items.append(Item("activity", slug, title, f"{module}/{filename}", source, is_archived))
    items += [Item("quiz", *row) for row in db.session.execute(quizzes)]
    items += [Item("diagnostic", DIAGNOSTIC_KEY, *row) for row in db.session.execute(diagnostics)]
    return items


def fingerprint(items: list[Item]) -> str:
    """Return a digest of the published items: it changes whenever the summary would."""
    text = json.dumps([asdict(item) for item in sorted(items)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


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
