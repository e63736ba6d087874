"""Learner progress: the event log and the summary rows that pages read."""

from app.progress import listeners  # noqa: F401
from app.progress.views import bp  # noqa: F401
