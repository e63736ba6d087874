"""Cohorts: groups of learners following the course between two dates, at a recommended pace."""

from app.cohorts.views import bp  # noqa: F401
