"""Parse ``quizzes/self-diagnostic.toml`` (pure: no database, no Flask)."""

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.contentfile import ContentError
from app.contentfile import FieldReader
from app.contentfile import open_versioned_document
from app.contentfile import read_text

FILENAME = "self-diagnostic.toml"
KEYS = {"version", "title", "introduction", "scale", "statements"}
STATEMENT_KEYS = {"id", "text", "module"}


@dataclass(frozen=True)
class StatementSpec:
    """One statement to rate."""

    key: str
    text: str
    module_slug: str | None
    position: int
    line: int


@dataclass(frozen=True)
class DiagnosticSpec:
    """The self-diagnostic file."""

    title: str
    introduction: str
    scale: list[str]
    statements: list[StatementSpec]
    filename: str
    source: str
    path: str


def parse_diagnostic(text: str, path: str) -> tuple[DiagnosticSpec | None, list[ContentError]]:
    """Parse the self-diagnostic file's text."""
    fields, errors = open_versioned_document(text, path, KEYS)
    if fields is None:
        return None, errors
    data, locator = fields.data, fields.locator
    title, introduction = fields.text("title"), fields.text("introduction")
    scale = fields.text_list("scale", 5, 5)
    raw = data.get("statements")
    if not isinstance(raw, list) or not raw:
        fields.error(None, _("aucun énoncé : ajoutez des tables [[statements]]"))
        raw = []
    errors = fields.errors
    statements = []
    for index, item in enumerate(raw):
        sub = FieldReader(item if isinstance(item, dict) else {}, path, locator, "statements", index)
        sub.only(STATEMENT_KEYS)
        key, statement_text, module = sub.slug("id"), sub.text("text"), sub.slug("module", required=False)
        errors += sub.errors
        if not sub.errors:
            statements.append(StatementSpec(key, statement_text, module, index + 1, locator.line_of(None, "statements", index)))
    keys = [s.key for s in statements]
    errors += [ContentError(path, s.line, _("identifiant d'énoncé en double : %(key)s", key=s.key)) for i, s in enumerate(statements) if s.key in keys[:i]]
    if errors:
        return None, errors
    return DiagnosticSpec(title, introduction, scale, statements, FILENAME, text, path), []


def load_diagnostic(quizzes_dir: Path) -> tuple[DiagnosticSpec | None, list[ContentError]]:
    """Read the self-diagnostic file of the package."""
    path = quizzes_dir / FILENAME
    rel = f"{quizzes_dir.name}/{FILENAME}"
    if not path.is_file():
        return None, [ContentError(rel, None, _("fichier de l'autodiagnostic manquant"))]
    text, errors = read_text(path, rel)
    return (None, errors) if text is None else parse_diagnostic(text, rel)
