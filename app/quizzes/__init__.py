"""Module quizzes: question types, grading, attempts."""

from app.quizzes.views import bp  # noqa: F401
