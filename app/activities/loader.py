"""Parse the activity files of the ``course/`` folder (pure: no database, no Flask).

An activity is any ``NN-name.toml`` file of a module folder other than ``module.toml``; see
``course/README.md`` for the format.
"""

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.catalogue.loader import MODULE_FILE
from app.catalogue.loader import heading_errors
from app.catalogue.loader import position_of
from app.catalogue.loader import source_lines
from app.contentfile import ContentError
from app.contentfile import FieldReader
from app.contentfile import TomlLocator
from app.contentfile import parse_toml
from app.contentfile import read_text
from app.markdown import markdown_problem

ACTIVITY_KEYS = {"slug", "title", "estimated_minutes", "source_lines", "accepts_file", "brief", "criteria"}


@dataclass(frozen=True)
class ActivitySpec:
    """One activity as written in its TOML file."""

    slug: str
    title: str
    estimated_minutes: int
    source_first_line: int
    source_last_line: int
    accepts_file: bool
    brief: str
    criteria: list[str]
    #: Folder of the module it belongs to (the folder gives the module).
    dirname: str
    position: int
    filename: str
    source: str
    path: str


def parse_activity(text: str, path: str, dirname: str, position: int, filename: str) -> tuple[ActivitySpec | None, list[ContentError]]:
    """Parse one activity file's text."""
    data, errors = parse_toml(text, path)
    if data is None:
        return None, errors
    locator = TomlLocator(text)
    fields = FieldReader(data, path, locator)
    fields.only(ACTIVITY_KEYS)
    slug = fields.slug("slug")
    title = fields.text("title")
    minutes = fields.integer("estimated_minutes", 5, 240)
    lines = source_lines(fields)
    accepts_file = fields.boolean("accepts_file")
    brief = fields.text("brief") or ""
    criteria = fields.text_list("criteria", 2, 6)
    if brief.strip():
        if problem := markdown_problem(brief):
            fields.error("brief", problem)
        # The page shows the brief under a section of its own: its headings start at ###.
        fields.errors += heading_errors(brief, path, first_line=locator.line_of("brief") + 1, under=2)
    if fields.errors:
        return None, fields.errors
    return ActivitySpec(slug, title, minutes, lines[0], lines[1], accepts_file, brief, criteria, dirname, position, filename, text, path), []


def load_activities(course_dir: Path) -> tuple[list[ActivitySpec], list[ContentError]]:
    """Read every activity file of every module folder under ``course_dir``."""
    specs: list[ActivitySpec] = []
    errors: list[ContentError] = []
    if not course_dir.is_dir():
        return [], []  # the course loader reports the missing folder
    for folder in sorted(p for p in course_dir.iterdir() if p.is_dir() and position_of(p.name) is not None):
        for path in sorted(folder.glob("*.toml")):
            if path.name == MODULE_FILE:
                continue
            spec, found = _load_file(course_dir, folder, path)
            errors += found
            if spec is not None:
                specs.append(spec)
    return specs, errors


def _load_file(course_dir: Path, folder: Path, path: Path) -> tuple[ActivitySpec | None, list[ContentError]]:
    rel = f"{course_dir.name}/{folder.name}/{path.name}"
    position = position_of(path.stem)
    if position is None:
        return None, [ContentError(rel, None, _("nom de fichier invalide : attendu NN-nom.toml (ex. 07-activite.toml)"))]
    text, errors = read_text(path, rel)
    if text is None:
        return None, errors
    return parse_activity(text, rel, folder.name, position, path.name)
