"""Course authors' pages."""

from app.authoring import insights  # noqa: F401  (adds the insight pages to bp)
from app.authoring.views import bp  # noqa: F401
