"""The tutored cohort of the tutoring tests, on the test package with its activity."""

import pytest

from tests.tutoring.conftest import tutored as tutored_cohort  # noqa: F401


@pytest.fixture
def tutored(course_with_activity, tutored_cohort):  # noqa: F811
    """The tutored cohort (see tests/tutoring/conftest.py), its course holding the activity."""
    return tutored_cohort
