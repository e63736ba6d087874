"""The course's content: modules and readings."""

from app.catalogue.views import bp  # noqa: F401
