"""Applied activities: a brief set in the learner's own work, an answer, the tutor's review."""

from app.activities.views import bp  # noqa: F401
