"""Course authors' pages."""

from app.authoring import gift_views  # noqa: F401  (adds the GIFT import and export pages to bp)
from app.authoring import insights  # noqa: F401  (adds the insight pages to bp)
from app.authoring import package_views  # noqa: F401  (adds the package pages to bp)
from app.authoring import quiz_views  # noqa: F401  (adds the quiz editor to bp)
from app.authoring.views import bp  # noqa: F401
