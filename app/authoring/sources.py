"""Content files as authors edit them: form fields to file text and back.

The database keeps each item's whole file text (``source``); the editors work on its fields and
write the text back with the standard TOML writer, in the package format the loaders read.
"""

import tomllib

import tomli_w

from app.contentfile import FRONT_MATTER_FENCE

#: Front-matter keys of a reading, in the order they are written.
READING_KEYS = ("slug", "title", "estimated_minutes", "source_lines", "interviewee", "role", "organisation")
MODULE_KEYS = ("slug", "title", "summary", "objectives", "estimated_minutes")
ACTIVITY_KEYS = ("slug", "title", "estimated_minutes", "source_lines", "accepts_file", "brief", "criteria")


def _clean(values: dict, keys: tuple[str, ...]) -> dict:
    """Keep ``keys`` in order, dropping empty optional values."""
    return {key: values[key] for key in keys if values.get(key) not in (None, "", [])}


def module_source(values: dict) -> str:
    """Write a ``module.toml`` text from its fields."""
    return tomli_w.dumps(_clean(values, MODULE_KEYS))


def module_values(source: str) -> dict:
    """Read a ``module.toml`` text's fields (the text was validated when it was saved)."""
    return tomllib.loads(source)


def normalise_body(body: str) -> str:
    """Unix line ends and one final newline, as the package files have."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"


def reading_source(values: dict, body: str) -> str:
    """Write a reading file's text: TOML front matter between ``+++`` lines, a blank line, the body."""
    front = tomli_w.dumps(_clean(values, READING_KEYS))
    return f"{FRONT_MATTER_FENCE}\n{front}{FRONT_MATTER_FENCE}\n\n{normalise_body(body)}"


def reading_values(source: str) -> tuple[dict, str]:
    """Split a reading file's text into its front-matter fields and its Markdown body."""
    lines = source.split("\n")
    closing = lines.index(FRONT_MATTER_FENCE, 1)
    front = tomllib.loads("\n".join(lines[1:closing]))
    return front, "\n".join(lines[closing + 1 :]).lstrip("\n")


def quiz_source(values: dict) -> str:
    """Write a quiz file's text from its fields (``version`` first)."""
    return tomli_w.dumps({"version": 1, **{k: v for k, v in values.items() if k != "version"}})


def quiz_values(source: str) -> dict:
    """Read a quiz file's fields, questions included."""
    return tomllib.loads(source)


def activity_source(values: dict) -> str:
    """Write an activity file's text from its fields; the brief as a multi-line string, as authors write it."""
    values = {**values, "brief": normalise_body(values.get("brief") or ""), "accepts_file": bool(values.get("accepts_file"))}
    return tomli_w.dumps(_clean(values, ACTIVITY_KEYS), multiline_strings=True)


def activity_values(source: str) -> dict:
    """Read an activity file's fields."""
    return tomllib.loads(source)
