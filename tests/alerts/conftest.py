"""Fixtures for alert tests: a cohort on the test package, a movable clock, learner actions."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alerts.models import Alert
from app.auth.models import User
from app.catalogue.models import Reading
from app.cohorts.models import Cohort
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.consent.services import set_contact_consent
from app.extensions import db
from app.progress.services import complete_reading
from app.progress.services import record_reading_view
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt

#: Test package: premiere (10 min), seconde (10 min), quiz (5 min). Over this 25-day window the
#: pace expects premiere by 11 November, seconde by 21 November and the quiz on the 26th.
START, END = date(2026, 11, 1), date(2026, 11, 26)


class Clock:
    """A clock the test moves; the app reads it through ``CLOCK``."""

    def __init__(self):
        self.now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int = 9) -> None:
        """Move to ``day`` at ``hour`` UTC."""
        self.now = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@pytest.fixture
def clock(app):
    """The app's clock, set to the cohort's first morning."""
    value = Clock()
    app.config["CLOCK"] = value
    return value


@pytest.fixture
def cohort(app, course, clock):
    """Return the id of a cohort from 1 to 26 November 2026."""
    with app.app_context():
        cohort_id = get_or_create_cohort("Cohorte de novembre", START, END).id
        db.session.commit()
    return cohort_id


@pytest.fixture
def enrolled(app, cohort, create_user):
    """Return a callable creating a learner enrolled in the cohort (consenting if asked)."""

    def _enrolled(consent: bool = False, name: str = "Camille Martin"):
        ref = create_user(name=name)
        with app.app_context():
            user = db.session.get(User, ref.id)
            enrol(db.session.get(Cohort, cohort), user)
            if consent:
                set_contact_consent(user, True)
            db.session.commit()
        return ref

    return _enrolled


def act(app, user_ref, action: str, *args) -> None:
    """Have a learner act through the services: ``view`` or ``read`` a reading, ``fail`` or ``pass`` the quiz."""
    with app.app_context():
        user = db.session.get(User, user_ref.id)
        if action in ("view", "read"):
            reading = db.session.scalar(select(Reading).where(Reading.slug == args[0]))
            if action == "view":
                record_reading_view(user, reading.id, None)
            else:
                complete_reading(user, reading)
        else:
            quiz = db.session.scalar(select(Quiz).options(selectinload(Quiz.questions)))
            responses = {q.id: _keys(q, right=action == "pass") for q in quiz.questions}
            submit_attempt(user, quiz, responses, new_attempt_token())
        db.session.commit()


def _keys(question, right: bool) -> list[str]:
    keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct == right]
    return keys if question.type == "multiple_choice" else keys[:1]


def alerts_of(app, user_ref) -> list[tuple[str, bool]]:
    """Return (kind, is current) of every alert of a learner, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Alert).where(Alert.user_id == user_ref.id).order_by(Alert.id))
        return [(a.kind, a.closed_dt is None) for a in rows]
