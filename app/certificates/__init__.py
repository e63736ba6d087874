"""Certificates of completion: issued once the whole course is done, verified by their code."""

from app.certificates.views import bp  # noqa: F401
