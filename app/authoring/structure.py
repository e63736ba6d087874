"""The course's structure: new modules and readings, their order, archiving. They flush; the caller commits.

Order lives in the package's names (``NN-name`` folders and files), so a move renames: export then
writes the package in the new order and an import reads the same order back.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from app.authoring.sources import module_source
from app.authoring.sources import reading_source
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.services import bump_course_version
from app.clock import now_utc
from app.extensions import db
from app.progress.services import recount_learner_progress

_PREFIX = re.compile(r"^\d+-")


class StructureError(ValueError):
    """A structural change was refused; the message says why."""


def _renamed(name: str, position: int) -> str:
    """``03-girard.md`` at position 5 becomes ``05-girard.md``."""
    return f"{position:02d}-{_PREFIX.sub('', name)}"


def _slug_taken(model, slug: str) -> bool:
    return db.session.scalar(select(model.id).where(model.slug == slug)) is not None


def create_module(slug: str, title: str) -> Module:
    """Add a module at the end of the course, unpublished (learners see it once it is published).

    :raise StructureError: if the identifier is taken.
    """
    if _slug_taken(Module, slug):
        raise StructureError(_("Un module a déjà l'identifiant « %(slug)s ».", slug=slug))
    position = (db.session.scalar(select(func.max(Module.position))) or 0) + 1
    values = {"slug": slug, "title": title.strip(), "summary": _("À rédiger."), "objectives": [_("À rédiger.")], "estimated_minutes": 10}
    module = Module(slug=slug, title=values["title"], summary=values["summary"], objectives=values["objectives"], estimated_minutes=10,
                    position=position, dirname=f"{position:02d}-{slug}", source=module_source(values), revision=0, is_archived=True, updated_dt=now_utc())
    db.session.add(module)
    db.session.flush()
    return module


def create_reading(module: Module, slug: str, title: str) -> Reading:
    """Add a reading at the end of a module, unpublished.

    :raise StructureError: if the identifier is taken anywhere in the course.
    """
    if _slug_taken(Reading, slug):
        raise StructureError(_("Une lecture a déjà l'identifiant « %(slug)s ».", slug=slug))
    position = (db.session.scalar(select(func.max(Reading.position)).where(Reading.module_id == module.id)) or 0) + 1
    front = {"slug": slug, "title": title.strip(), "estimated_minutes": 5, "source_lines": [1, 2]}
    body = _("## À rédiger\n\nLe texte de la lecture.")
    reading = Reading(module_id=module.id, slug=slug, title=front["title"], estimated_minutes=5, source_first_line=1, source_last_line=2,
                      position=position, body_html="", filename=f"{position:02d}-{slug}.md", source=reading_source(front, body), revision=0,
                      is_archived=True, updated_dt=now_utc())
    db.session.add(reading)
    db.session.flush()
    return reading


def _siblings(row) -> list:
    if isinstance(row, Module):
        return list(db.session.scalars(select(Module).order_by(Module.position, Module.id)))
    return list(db.session.scalars(select(Reading).where(Reading.module_id == row.module_id).order_by(Reading.position, Reading.id)))


def move(row: Module | Reading, direction: str) -> bool:
    """Swap an item with its neighbour above (``up``) or below (``down``); return whether it moved."""
    siblings = _siblings(row)
    index = siblings.index(row)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        item.position = position
        if isinstance(item, Module):
            item.dirname = _renamed(item.dirname, position)
        else:
            item.filename = _renamed(item.filename, position)
    bump_course_version()
    db.session.flush()
    return True


def set_archived(row: Module | Reading, archived: bool) -> None:
    """Hide an item from learners (their progress on it is kept and still reported) or bring it back.

    :raise StructureError: to bring back an item that was never published.
    """
    if not archived and row.revision == 0:
        raise StructureError(_("Publiez-le plutôt : il n'a encore jamais été publié."))
    row.is_archived = archived
    db.session.flush()
    recount_learner_progress()  # what counts as done follows the live course
    bump_course_version()
    db.session.flush()
