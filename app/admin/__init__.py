"""Administration: accounts and cohorts."""

from app.admin.views import bp  # noqa: F401
