"""Reading the course package's text files: TOML documents, front matter, and error positions.

Every error found in the package is a :class:`ContentError` naming the file and, where it can
be known, the line, so that authors can fix it without guessing.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

FRONT_MATTER_FENCE = "+++"
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TABLE_HEADER = re.compile(r"^\s*\[")


@dataclass(frozen=True)
class ContentError:
    """A problem in one file of the course package."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentInvalid(Exception):
    """Raised when a package cannot be imported; carries every error found."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(ngettext("%(num)d erreur dans le paquet de cours", "%(num)d erreurs dans le paquet de cours", len(errors)))
        self.errors = errors


def is_slug(value: object) -> bool:
    """Tell whether ``value`` is a lowercase hyphenated identifier."""
    return isinstance(value, str) and bool(_SLUG.match(value))


class TomlLocator:
    """Find the line of a key in TOML text, so that semantic errors can name a line.

    tomllib gives no positions for parsed values, so keys are found by scanning the text:
    ``line_of("title")`` finds a top-level key, ``line_of("prompt", "questions", 2)`` the key in
    the third ``[[questions]]`` table.
    """

    def __init__(self, text: str, first_line: int = 1):
        self.lines = text.splitlines()
        self.offset = first_line - 1

    def _table_bounds(self, table: str | None, index: int) -> tuple[int, int]:
        headers = [i for i, line in enumerate(self.lines) if _TABLE_HEADER.match(line)]
        if table is None:
            return 0, headers[0] if headers else len(self.lines)
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        starts = [i for i in headers if pattern.match(self.lines[i])]
        if index >= len(starts):
            return 0, len(self.lines)
        start = starts[index]
        following = [i for i in headers if i > start and not self.lines[i].lstrip().startswith(f"[[{table}.")]
        return start, following[0] if following else len(self.lines)

    def line_of(self, key: str | None = None, table: str | None = None, index: int = 0) -> int:
        """Return the 1-based line of ``key`` (or of the table header when ``key`` is None)."""
        start, end = self._table_bounds(table, index)
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in range(start, end):
                if pattern.match(self.lines[i]):
                    return i + 1 + self.offset
        return start + 1 + self.offset


def read_text(path: Path, rel: str) -> tuple[str | None, list[ContentError]]:
    """Read a package file as UTF-8, keeping its own line endings so export can write it back exactly."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read(), []
    except UnicodeDecodeError as exc:
        return None, [ContentError(rel, None, _("le fichier n'est pas en UTF-8 (octet %(byte)d)", byte=exc.start))]


def parse_toml(text: str, path: str, first_line: int = 1) -> tuple[dict | None, list[ContentError]]:
    """Parse TOML ``text``; on a syntax error return ``None`` and an error naming the line."""
    try:
        return tomllib.loads(text), []
    except RecursionError:
        # tomllib parses nested arrays and tables recursively: ``a = [[[[…`` exhausts the stack.
        return None, [ContentError(path, None, _("TOML invalide : tableaux ou tables imbriqués trop profondément"))]
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line = int(match.group(1)) + first_line - 1 if match else None
        message = _TOML_POSITION.sub("", str(exc)).strip()
        return None, [ContentError(path, line, _("TOML invalide : %(message)s", message=message))]


def split_front_matter(text: str, path: str) -> tuple[str | None, str, list[ContentError]]:
    """Split a Markdown file into its TOML front matter and body.

    The file must start with a line ``+++`` and the front matter ends at the next ``+++`` line.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None, text, [ContentError(path, 1, _("en-tête manquant : le fichier doit commencer par une ligne +++"))]
    for i in range(1, len(lines)):
        if lines[i].strip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), []
    return None, text, [ContentError(path, 1, _("en-tête non fermé : ajoutez une ligne +++ après les métadonnées"))]


class FieldReader:
    """Read typed fields from a parsed TOML table, collecting errors with their lines."""

    def __init__(self, data: dict, path: str, locator: TomlLocator, table: str | None = None, index: int = 0):
        self.data = data
        self.path = path
        self.locator = locator
        self.table = table
        self.index = index
        self.errors: list[ContentError] = []

    def error(self, key: str | None, message: str) -> None:
        """Record an error at the line of ``key``."""
        self.errors.append(ContentError(self.path, self.locator.line_of(key, self.table, self.index), message))

    def _get(self, key: str, kind: type | tuple, label: str, required: bool, default=None):
        if key not in self.data:
            if required:
                self.error(None, _("champ obligatoire manquant : %(key)s", key=key))
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.error(key, _("%(key)s doit être %(label)s", key=key, label=label))
            return default
        return value

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        """Return a non-empty string field."""
        value = self._get(key, str, _("un texte"), required, default)
        if isinstance(value, str) and not value.strip() and required:
            self.error(key, _("%(key)s ne doit pas être vide", key=key))
        return value

    def slug(self, key: str, required: bool = True) -> str | None:
        """Return an identifier made of lowercase letters, digits and hyphens."""
        value = self._get(key, str, _("un texte"), required)
        if value is not None and not is_slug(value):
            self.error(key, _("%(key)s doit ne contenir que des minuscules, chiffres et tirets : %(value)r", key=key, value=value))
            return None
        return value

    def integer(self, key: str, minimum: int, maximum: int, required: bool = True, default: int | None = None) -> int | None:
        """Return an integer within bounds."""
        value = self._get(key, int, _("un nombre entier"), required, default)
        if value is not None and not minimum <= value <= maximum:
            self.error(key, _("%(key)s doit être compris entre %(min)d et %(max)d", key=key, min=minimum, max=maximum))
            return None
        return value

    def boolean(self, key: str, default: bool = False, required: bool = False) -> bool:
        """Return a boolean field."""
        return self._get(key, bool, _("true ou false"), required, default)

    def text_list(self, key: str, min_items: int, max_items: int) -> list[str]:
        """Return a list of non-empty strings."""
        value = self._get(key, list, _("une liste"), True, [])
        if not all(isinstance(item, str) and item.strip() for item in value):
            self.error(key, _("%(key)s doit être une liste de textes non vides", key=key))
            return []
        if not min_items <= len(value) <= max_items and key in self.data:
            self.error(key, _("%(key)s doit compter entre %(min)d et %(max)d éléments", key=key, min=min_items, max=max_items))
        return value

    def only(self, allowed: set[str]) -> None:
        """Report keys that the format does not know (often a typo)."""
        for key in self.data:
            if key not in allowed:
                self.error(key, _("champ inconnu : %(key)s (champs admis : %(keys)s)", key=key, keys=", ".join(sorted(allowed))))


#: Versions of the quiz and self-diagnostic file format this code reads.
SUPPORTED_VERSIONS = frozenset({1})


def open_versioned_document(text: str, path: str, keys: set[str]) -> tuple[FieldReader | None, list[ContentError]]:
    """Parse a versioned TOML document and check its ``version`` and top-level keys.

    :return: a reader over the document (its errors so far included), or ``None`` and the errors
        when the document cannot be read at all.
    """
    data, errors = parse_toml(text, path)
    if data is None:
        return None, errors
    fields = FieldReader(data, path, TomlLocator(text))
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        where = "version" if "version" in data else None
        fields.error(where, f"version de format non prise en charge : {version!r} (attendu : 1)")
        return None, fields.errors
    fields.only(keys)
    return fields, []
