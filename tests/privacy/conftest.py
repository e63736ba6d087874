"""Fixtures for the privacy tests: a learner with a whole history, written through the services."""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alerts.models import Alert
from app.auth.models import Role
from app.auth.models import User
from app.catalogue.models import Reading
from app.cohorts.services import assign_tutor
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.consent.services import set_contact_consent
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.diagnostic.services import save_ratings
from app.extensions import db
from app.outbox.models import MessageStatus
from app.outbox.models import OutboxMessage
from app.progress.models import FeedbackRating
from app.progress.services import complete_reading
from app.progress.services import give_feedback
from app.progress.services import record_reading_view
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt
from app.tutoring.models import Contact

COMMENT = "Trop de jargon pour moi, signé Camille"
NOTE = "Camille rappellera jeudi au 06 12 34 56 78"


class Clock:
    """A clock the test moves; the app reads it through ``CLOCK``."""

    def __init__(self):
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: int, hour: int = 9, minute: int = 0) -> None:
        """Move to ``day`` November 2026 at ``hour``:``minute`` UTC."""
        self.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock(app):
    """The app's clock, on 2 November 2026 at 9:00 UTC."""
    value = Clock()
    app.config["CLOCK"] = value
    return value


@dataclass(frozen=True)
class History:
    """Ids of what :func:`history` created."""

    learner_id: int
    learner_email: str
    tutor_id: int
    cohort_id: int


def take_quiz(user: User, right: bool) -> None:
    """Submit the test quiz with every answer right, or every answer wrong."""
    quiz = db.session.scalar(select(Quiz).options(selectinload(Quiz.questions)))
    responses = {}
    for question in quiz.questions:
        keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct == right]
        responses[question.id] = keys if question.type == "multiple_choice" else keys[:1]
    submit_attempt(user, quiz, responses, new_attempt_token())


def learner_acts(app, clock, user_id: int) -> None:
    """Have the learner read, comment, fail then pass the quiz and rate the self-diagnostic."""
    with app.app_context():
        user = db.session.get(User, user_id)
        first = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        set_contact_consent(user, True)
        record_reading_view(user, first.id, None)
        clock.set(3)
        complete_reading(user, first)
        give_feedback(user, first, FeedbackRating.UNCLEAR, COMMENT)
        clock.set(4)
        take_quiz(user, right=False)
        clock.set(5)
        take_quiz(user, right=True)
        statements = db.session.scalars(select(DiagnosticStatement.id).order_by(DiagnosticStatement.position)).all()
        save_ratings(user, Phase.BEFORE, dict.fromkeys(statements, 2))
        db.session.commit()


def tutor_follows_up(app, clock, cohort_id: int, tutor_id: int, learner_id: int) -> None:
    """Open an alert about the learner, log the tutor's contact and send a reminder."""
    with app.app_context():
        learner = db.session.get(User, learner_id)
        clock.set(6)
        alert = Alert(cohort_id=cohort_id, user_id=learner.id, kind="behind", figures={"days": 4}, opened_dt=clock.now, updated_dt=clock.now)
        db.session.add(alert)
        db.session.flush()
        db.session.add(Contact(cohort_id=cohort_id, learner_id=learner.id, tutor_id=tutor_id, channel="telephone", outcome="reached", note=NOTE, alert_id=alert.id, contacted_dt=clock.now))
        db.session.add(
            OutboxMessage(
                dedupe_key=f"alert-{alert.id}", recipient_id=learner.id, to_address=learner.email, subject="Bonjour Camille",
                body="Bonjour Camille, où en êtes-vous ?", status=MessageStatus.SENT.value, cohort_id=cohort_id, alert_id=alert.id,
                created_dt=clock.now, sent_dt=clock.now,
            )
        )
        db.session.commit()


@pytest.fixture
def history(app, course, clock, create_user) -> History:
    """A learner enrolled in a tutored cohort, who read, commented, took the quiz twice, was alerted and contacted."""
    learner = create_user(email="camille@example.org", name="Camille Martin")
    tutor = create_user(roles=Role.TUTOR, email="theo@example.org", name="Théo Tuteur")
    with app.app_context():
        cohort = get_or_create_cohort("Cohorte de novembre", date(2026, 11, 1), date(2026, 11, 26))
        enrol(cohort, db.session.get(User, learner.id))
        assign_tutor(cohort, db.session.get(User, tutor.id))
        db.session.commit()
        cohort_id = cohort.id
    learner_acts(app, clock, learner.id)
    tutor_follows_up(app, clock, cohort_id, tutor.id, learner.id)
    return History(learner.id, learner.email, tutor.id, cohort_id)
