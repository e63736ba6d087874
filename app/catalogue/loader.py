"""Parse the ``course/`` folder into specs (pure: no database, no Flask).

Messages go through Flask-Babel's ``gettext``, which needs no application: outside one it
returns the French text, inside one the reader's language.

Layout: one folder per module, named ``NN-name``, holding ``module.toml`` and one ``NN-name.md``
file per reading. See ``course/README.md`` for the format.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask_babel import gettext as _

from app.contentfile import ContentError
from app.contentfile import FieldReader
from app.contentfile import TomlLocator
from app.contentfile import parse_toml
from app.contentfile import read_text
from app.contentfile import split_front_matter
from app.markdown import markdown_problem

MODULE_FILE = "module.toml"
_ORDERED_NAME = re.compile(r"^(\d+)-[a-z0-9-]+$")
MODULE_KEYS = {"slug", "title", "summary", "objectives", "estimated_minutes"}
READING_KEYS = {"slug", "title", "estimated_minutes", "source_lines", "interviewee", "role", "organisation"}
PERSON_KEYS = ("interviewee", "role", "organisation")


@dataclass(frozen=True)
class ReadingSpec:
    """One reading as written in its Markdown file."""

    slug: str
    title: str
    estimated_minutes: int
    source_first_line: int
    source_last_line: int
    interviewee: str | None
    role: str | None
    organisation: str | None
    body: str
    position: int
    filename: str
    source: str
    path: str


@dataclass(frozen=True)
class ModuleSpec:
    """One module folder."""

    slug: str
    title: str
    summary: str
    objectives: list[str]
    estimated_minutes: int
    position: int
    dirname: str
    source: str
    path: str
    readings: list[ReadingSpec] = field(default_factory=list)


def position_of(name: str) -> int | None:
    match = _ORDERED_NAME.match(name)
    return int(match.group(1)) if match else None


def parse_reading(text: str, path: str, position: int, filename: str) -> tuple[ReadingSpec | None, list[ContentError]]:
    """Parse one reading file's text."""
    front, body, errors = split_front_matter(text, path)
    if front is None:
        return None, errors
    data, errors = parse_toml(front, path, first_line=2)
    if data is None:
        return None, errors
    fields = FieldReader(data, path, TomlLocator(front, first_line=2))
    fields.only(READING_KEYS)
    slug = fields.slug("slug")
    title = fields.text("title")
    minutes = fields.integer("estimated_minutes", 1, 240)
    lines = source_lines(fields)
    person = {key: fields.text(key, required=False) for key in PERSON_KEYS}
    if any(person.values()) and not person["interviewee"]:
        fields.error(None, _("interviewee est obligatoire dès que role ou organisation est indiqué"))
    if not body.strip():
        fields.errors.append(ContentError(path, None, _("le texte de la lecture est vide")))
    elif problem := markdown_problem(body):  # too long or too costly to render: refused here, not at every render
        fields.errors.append(ContentError(path, None, problem))
    fields.errors += heading_errors(body, path, first_line=text[: len(text) - len(body)].count("\n") + 1)
    if fields.errors:
        return None, fields.errors
    return ReadingSpec(
        slug=slug,
        title=title,
        estimated_minutes=minutes,
        source_first_line=lines[0],
        source_last_line=lines[1],
        body=body,
        position=position,
        filename=filename,
        source=text,
        path=path,
        **person,
    ), []


_HEADING = re.compile(r"^(#{1,6})\s")
_FENCE = re.compile(r"^(```|~~~)")


def heading_errors(body: str, path: str, first_line: int, under: int = 1) -> list[ContentError]:
    """Check the outline: sections start at level 2 (the page title is level 1) and never skip a level.

    Screen-reader users move through a page by its headings; a skipped level reads as a missing section.

    :param under: the level of the heading the text sits under on its page (1, the page title).
    """
    errors, level, in_code = [], under, False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _FENCE.match(line):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match is None:
            continue
        new_level = len(match.group(1))
        if new_level == 1:
            errors.append(ContentError(path, number, _("titre de niveau 1 interdit : la page affiche déjà le titre, commencez à ##")))
        elif new_level <= under:
            errors.append(ContentError(path, number, _("titre trop haut ici : ses titres commencent à %(top)s", top="#" * (under + 1))))
        elif new_level > level + 1:
            errors.append(ContentError(path, number, _("niveau de titre sauté : %(new)s après %(old)s", new="#" * new_level, old="#" * level)))
        level = max(new_level, under + 1)
    return errors


def source_lines(fields: FieldReader) -> tuple[int, int]:
    value = fields.data.get("source_lines")
    if value is None:
        fields.error(None, _("champ obligatoire manquant : source_lines (première et dernière ligne du recueil)"))
        return (0, 0)
    valid = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        and value[0] <= value[1]
    )
    if not valid:
        fields.error("source_lines", _("source_lines doit être [première, dernière] : deux numéros de ligne croissants"))
        return (0, 0)
    return value[0], value[1]


def parse_module(text: str, path: str, position: int, dirname: str) -> tuple[ModuleSpec | None, list[ContentError]]:
    """Parse one ``module.toml`` text (its readings are added by :func:`load_course`)."""
    data, errors = parse_toml(text, path)
    if data is None:
        return None, errors
    fields = FieldReader(data, path, TomlLocator(text))
    fields.only(MODULE_KEYS)
    spec = ModuleSpec(
        slug=fields.slug("slug"),
        title=fields.text("title"),
        summary=fields.text("summary"),
        objectives=fields.text_list("objectives", 1, 8),
        estimated_minutes=fields.integer("estimated_minutes", 1, 6000),
        position=position,
        dirname=dirname,
        source=text,
        path=path,
    )
    return (None, fields.errors) if fields.errors else (spec, [])


def load_course(course_dir: Path) -> tuple[list[ModuleSpec], list[ContentError]]:
    """Read every module folder under ``course_dir``; return the specs and all errors found."""
    modules: list[ModuleSpec] = []
    errors: list[ContentError] = []
    if not course_dir.is_dir():
        return [], [ContentError(str(course_dir), None, _("dossier du cours introuvable"))]
    for folder in sorted(p for p in course_dir.iterdir() if p.is_dir()):
        spec, found = _load_module_folder(course_dir, folder)
        errors += found
        if spec is not None:
            modules.append(spec)
    return modules, errors


def _load_module_folder(course_dir: Path, folder: Path) -> tuple[ModuleSpec | None, list[ContentError]]:
    rel = f"{course_dir.name}/{folder.name}"
    position = position_of(folder.name)
    if position is None:
        return None, [ContentError(rel, None, _("nom de dossier invalide : attendu NN-nom (ex. 02-assurance)"))]
    module_path = folder / MODULE_FILE
    if not module_path.is_file():
        return None, [ContentError(f"{rel}/{MODULE_FILE}", None, _("fichier module.toml manquant"))]
    text, errors = read_text(module_path, f"{rel}/{MODULE_FILE}")
    spec = None
    if text is not None:
        spec, errors = parse_module(text, f"{rel}/{MODULE_FILE}", position, folder.name)
    readings = []
    for path in sorted(folder.glob("*.md")):
        reading, found = _load_reading_file(rel, path)
        errors += found
        if reading is not None:
            readings.append(reading)
    if spec is None:
        return None, errors
    spec.readings.extend(readings)
    if not readings and not errors:
        errors.append(ContentError(rel, None, _("le module n'a aucune lecture")))
    return spec, errors


def _load_reading_file(rel: str, path: Path) -> tuple[ReadingSpec | None, list[ContentError]]:
    position = position_of(path.stem)
    file_rel = f"{rel}/{path.name}"
    if position is None:
        return None, [ContentError(file_rel, None, _("nom de fichier invalide : attendu NN-nom.md (ex. 01-introduction.md)"))]
    text, errors = read_text(path, file_rel)
    if text is None:
        return None, errors
    return parse_reading(text, file_rel, position, path.name)
