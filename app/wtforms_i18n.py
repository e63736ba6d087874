"""WTForms' own messages (« Ce champ est requis. »...) in the request's language, read once per process.

Flask-WTF reads WTForms' catalogue from disk (and parses it) on every request that builds a form:
about a tenth of a quiz page. It looks for the catalogue on the request first, so a request that
finds there the one loaded once per language saves that work without changing any message; a
request that builds no form never looks.
"""

import functools

from babel import support
from flask import Flask
from flask import Request
from flask_babel import get_locale
from flask_wtf.i18n import messages_path


@functools.cache
def _catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class CatalogueRequest(Request):
    """Flask's request, carrying WTForms' catalogue of its language where Flask-WTF looks for it."""

    @functools.cached_property
    def wtforms_translations(self) -> support.Translations:
        """The catalogue of the request's language, the first time a form needs it."""
        return _catalogue(str(get_locale()))


def init_app(app: Flask) -> None:
    """Give every request of ``app`` the catalogue of its language."""
    app.request_class = CatalogueRequest
