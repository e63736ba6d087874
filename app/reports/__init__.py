"""The cohort report for the company's sponsor: aggregates only, printable, and as PDF."""

from app.reports.views import bp  # noqa: F401
