"""Lag alerts for tutors: rules, the alerts themselves, the runner and the listeners."""

from app.alerts import listeners  # noqa: F401  (connects to learner signals)
