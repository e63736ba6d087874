"""Small helpers shared by the views of every domain."""

import io
from urllib.parse import urlsplit

from flask import abort
from flask import render_template
from flask import request
from flask import send_file
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter

from app.db_types import MAX_INTEGER


def safe_next_url(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site, else ``default``.

    Rejects absolute URLs, scheme-relative ``//host`` and backslash tricks, so that ``next``
    can never send a user to another site.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return default
    return target


def render_form(template: str, form: FlaskForm, **context):
    """Render a page holding ``form``: status 400 when it was submitted with errors."""
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(template, form=form, **context), status


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` limited to what an ``Integer`` column holds: a larger number matches no
    route, so it gives the 404 page instead of a database error on every id-taking route."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INTEGER, signed: bool = False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(name: str) -> int | None:
    """Return the id in query-string parameter ``name``, or ``None`` when it is absent or empty.

    :raise 404: the value names no row: not a whole number, or beyond the id columns' range.
    """
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_INTEGER:
        abort(404)
    return int(value)


def page_arg(name: str = "page") -> int:
    """Return the page number in query-string parameter ``name``: 1 when absent or not a number.

    The callers clamp it to their last page; a number beyond the id columns' range is kept below
    it, so that the offset computed from it stays within what the database accepts.
    """
    value = request.args.get(name, "")
    if not value.isascii() or not value.isdigit():
        return 1
    return max(1, min(int(value), MAX_INTEGER))


def file_download(name: str, content_type: str, data: bytes):
    """Answer with a stored file as a download (never shown inline: its content is a user's).

    Werkzeug writes the name in ``Content-Disposition`` for every browser, accents included.
    """
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name, max_age=0)
