"""Site-wide pages: home redirect and language choice."""

from app.main.views import bp  # noqa: F401
