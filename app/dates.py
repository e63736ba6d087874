"""The one way the platform writes a date or a time: per language, in the platform's time zone.

Every page, email and message goes through :func:`date_text` and :func:`datetime_text` (the Jinja
filters of the same names), with a *style* rather than a pattern, so that a language gets its own
conventions in one place. Babel's own "long" French format writes « 2 décembre 2026 à 01:44 »;
French typography writes « 2 décembre 2026 à 1 h 44 », hence explicit patterns. Datetimes are
shown in ``BABEL_DEFAULT_TIMEZONE`` (Europe/Paris); naive ones are taken as UTC, as stored.
"""

from datetime import date
from datetime import datetime

from flask import Flask
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import get_locale

#: CLDR patterns per language, then per style. A language missing here uses French.
PATTERNS: dict[str, dict[str, str]] = {
    "fr": {
        "datetime": "d MMMM yyyy 'à' H 'h' mm",  # 2 décembre 2026 à 1 h 44
        "short_datetime": "d MMM yyyy, H 'h' mm",  # 2 déc. 2026, 1 h 44
        "date": "d MMMM yyyy",  # 2 décembre 2026
        "short_date": "d MMM yyyy",  # 2 déc. 2026
        "day_month": "d MMMM",  # 2 décembre
        "weekday": "EEEE d MMMM",  # mercredi 2 décembre
        "tick": "d MMM",  # 2 déc. (chart axes)
    },
    "en": {
        "datetime": "MMMM d, yyyy 'at' h:mm a",
        "short_datetime": "MMM d, yyyy, h:mm a",
        "date": "MMMM d, yyyy",
        "short_date": "MMM d, yyyy",
        "day_month": "MMMM d",
        "weekday": "EEEE, MMMM d",
        "tick": "MMM d",
    },
}


def pattern(style: str) -> str:
    """Return the pattern of ``style`` in the current language (French outside a request)."""
    locale = get_locale()
    patterns = PATTERNS.get(locale.language if locale else "fr", PATTERNS["fr"])
    return patterns[style]


def datetime_text(value: datetime, style: str = "datetime") -> str:
    """Say a moment, e.g. « 2 décembre 2026 à 1 h 44 », in the platform's time zone."""
    return format_datetime(value, pattern(style))


def date_text(value: date | datetime, style: str = "date") -> str:
    """Say a day, e.g. « 2 décembre 2026 »; a datetime is first moved to the platform's time zone."""
    return format_date(value, pattern(style))


def init_app(app: Flask) -> None:
    """Offer both as Jinja filters: ``{{ attempt.submitted_dt|datetime_text }}``."""
    app.jinja_env.filters.update(datetime_text=datetime_text, date_text=date_text)
