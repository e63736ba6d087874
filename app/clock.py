"""The one source of "now", so tests can move through a cohort's weeks.

Set ``app.config["CLOCK"]`` to a callable returning an aware UTC datetime to freeze or move time.
"""

from datetime import UTC
from datetime import datetime

from flask import current_app
from flask import has_app_context


def now_utc() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else datetime.now(UTC)
