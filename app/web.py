"""Small helpers shared by the views of every domain."""

from urllib.parse import urlsplit

from flask import render_template
from flask_wtf import FlaskForm


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
