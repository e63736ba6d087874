"""The learner's consent to be contacted by a tutor: given or withdrawn at any time, every change kept."""

from app.consent.views import bp  # noqa: F401
