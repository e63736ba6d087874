"""The tutored cohort, on the test package with its activity."""

from tests.activities.conftest import tutored  # noqa: F401
from tests.activities.conftest import tutored_cohort  # noqa: F401
