"""The learners' word on their tutor: helpfulness, clarity, a comment (Unow judges its tutors on it)."""

from app.tutor_feedback.views import bp  # noqa: F401
