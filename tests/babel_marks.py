"""A translation that marks what it translates, to prove a message goes through Flask-Babel.

The English catalogue is brought up to date by the maintainers, so a new message has no
translation yet; this stand-in tells, for each message, that Flask-Babel was asked and in which
language: ``<fr>`` inside the application (its default language), ``<None>`` outside any.
"""

from babel.support import NullTranslations
from flask_babel import Domain
from flask_babel import get_locale


class MarkingTranslations(NullTranslations):
    def ugettext(self, message):
        return f"<{get_locale()}>{message}"

    def ungettext(self, singular, plural, num):
        return f"<{get_locale()}>{singular if num == 1 else plural}"


def mark_translations(monkeypatch) -> None:
    """Make every gettext call of the test mark its message with the language asked for."""
    monkeypatch.setattr(Domain, "get_translations", lambda self: MarkingTranslations())
