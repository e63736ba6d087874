"""A tutored cohort on the test package, seen on 14 November (premiere was due on the 11th)."""

from dataclasses import dataclass
from datetime import date

import pytest

from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.services import assign_tutor
from app.extensions import db
from tests.helpers import act

TODAY = date(2026, 11, 14)


@dataclass
class Tutored:
    """The cohort, its tutor (signed in) and three learners."""

    cohort_id: int
    tutor: object
    alice: object  # consents; read both readings on the 12th: on pace
    bruno: object  # never came
    chloe: object  # consents; opened a reading on the 12th, read nothing: 3 days behind


@pytest.fixture
def tutored(app, client, login, create_user, cohort, enrolled, clock):
    """Return the tutored cohort with its learners; the tutor is signed in on ``client``."""
    tutor = create_user(roles=Role.TUTOR, name="Dominique Tuteur")
    with app.app_context():
        assign_tutor(db.session.get(Cohort, cohort), db.session.get(User, tutor.id))
        db.session.commit()
    alice, bruno, chloe = enrolled(True, "Alice Arnaud"), enrolled(False, "Bruno Blanc"), enrolled(True, "Chloé Chevalier")
    clock.set(date(2026, 11, 12))
    act(app, alice, "read", "premiere")
    act(app, alice, "read", "seconde")
    act(app, chloe, "view", "premiere")
    clock.set(TODAY)
    login(tutor)
    return Tutored(cohort, tutor, alice, bruno, chloe)
