"""Course authors' pages."""

from app.authoring.views import bp  # noqa: F401
