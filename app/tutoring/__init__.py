"""The tutor's view of their cohorts."""

from app.tutoring.views import bp  # noqa: F401
