"""Administration: accounts and cohorts."""

from app.admin import accounts  # noqa: F401  (its routes join the blueprint)
from app.admin import enrolments  # noqa: F401  (its routes join the blueprint)
from app.admin.views import bp  # noqa: F401
