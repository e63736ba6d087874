"""The self-diagnostic, rated before and after the course."""

from app.diagnostic.views import bp  # noqa: F401
