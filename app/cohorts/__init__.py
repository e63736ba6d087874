"""Cohorts: groups of learners following the course between two dates."""
