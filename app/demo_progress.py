"""A few demo learners at different points of the demo cohort, so the tutor's pages show something.

Their actions go through the same services as real ones (events, summary rows, alerts), at past
moments of the cohort: the clock is moved for the time of each action, then put back.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.alerts.queries import cohort_day
from app.alerts.queries import learner_rows
from app.alerts.services import lock_cohort
from app.alerts.services import refresh_learners
from app.auth.services import create_user
from app.auth.services import find_user_by_email
from app.catalogue.models import Reading
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.services import cohort_tutors
from app.cohorts.services import enrol
from app.consent.services import set_contact_consent
from app.extensions import db
from app.progress.queries import pace_items
from app.progress.services import complete_reading
from app.progress.services import record_reading_view
from app.progress.weeks import record_cohort_weeks
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt

#: What the demo learners answer to an activity, and what their tutor says back (demo data).
DEMO_ANSWER = (
    "Dans mon service, je traite chaque semaine des demandes qui se ressemblent beaucoup et d'autres qui ne rentrent dans aucune case. "
    "Un outil pourrait trier les premières ; les secondes demandent que je comprenne la situation de la personne et que je lui explique ma décision."
)
DEMO_FEEDBACK = "Votre tri est concret et justifié : c'est ce que l'activité demandait."


@dataclass(frozen=True)
class Profile:
    """A demo learner: how many items they did, by which day of the cohort, and their consent."""

    email: str
    name: str
    items: int
    last_day: int
    consents: bool
    failed_quiz_twice: bool = False


PROFILES = (
    Profile("lea.martin@demo.test", "Léa Martin", 9, 6, True),
    Profile("hugo.bernard@demo.test", "Hugo Bernard", 4, 6, True),
    Profile("ines.petit@demo.test", "Inès Petit", 1, 3, True),
    Profile("lucas.robert@demo.test", "Lucas Robert", 1, 0, False),
    Profile("chloe.richard@demo.test", "Chloé Richard", 3, 5, True, failed_quiz_twice=True),
    Profile("nathan.durand@demo.test", "Nathan Durand", 0, 0, True),
)
PASSWORD = "demo-apprenant"


@contextmanager
def _clock_at(moment: datetime):
    saved = current_app.config.get("CLOCK")
    current_app.config["CLOCK"] = lambda: moment
    try:
        yield
    finally:
        current_app.config["CLOCK"] = saved


def _answer_all(user, quiz: Quiz, right: bool) -> None:
    responses = {}
    for question in quiz.questions:
        keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct == right]
        responses[question.id] = keys if question.type == "multiple_choice" else keys[:1]
    submit_attempt(user, quiz, responses, new_attempt_token())


def _play(profile: Profile, user, cohort: Cohort) -> None:
    """Do the profile's first items in course order, spread over its active days, then its failures."""
    items = pace_items()[: profile.items]
    start = datetime.combine(cohort.start_date, time(9), UTC)
    quizzes = {q.id: q for q in db.session.scalars(select(Quiz).options(selectinload(Quiz.questions)))}
    for n, item in enumerate(items):
        moment = start + timedelta(days=profile.last_day * (n + 1) / max(len(items), 1), minutes=n)
        with _clock_at(moment):
            if item.kind == "reading":
                record_reading_view(user, item.id, None)
                complete_reading(user, db.session.get(Reading, item.id))
            elif item.kind == "activity":  # sent, then validated by the cohort's tutor the same day
                answer = save_answer(user, db.session.get(Activity, item.id), DEMO_ANSWER, None, submit=True)
                for tutor in cohort_tutors(cohort.id)[:1]:
                    review_submission(answer, tutor.id, SubmissionStatus.VALIDATED, DEMO_FEEDBACK)
            else:
                _answer_all(user, quizzes[item.id], right=True)
    if profile.failed_quiz_twice:
        quiz = quizzes[next(i.id for i in pace_items() if i.kind == "quiz")]
        for hour in (1, 2):
            with _clock_at(start + timedelta(days=profile.last_day, hours=hour)):
                _answer_all(user, quiz, right=False)
    if not items and not profile.failed_quiz_twice and profile.last_day:
        with _clock_at(start + timedelta(days=profile.last_day)):
            record_reading_view(user, pace_items()[0].id, None)


def load_demo_learners(cohort: Cohort) -> list[str]:
    """Create the demo learners with their progress (once), then refresh the cohort's alerts."""
    created = []
    for profile in PROFILES:
        if find_user_by_email(profile.email) is not None:
            continue
        user = create_user(profile.email, profile.name, PASSWORD)
        enrol(cohort, user)
        if profile.consents:
            with _clock_at(datetime.combine(cohort.start_date, time(8), UTC)):
                set_contact_consent(user, True)
        _play(profile, user, cohort)
        created.append(profile.email)
    now = now_utc()
    day = cohort_day(cohort, now)
    record_cohort_weeks(cohort, day.today)
    lock_cohort(cohort.id)  # as a run's batch does, before reading the facts it decides on
    refresh_learners(day, learner_rows(cohort.id, limit=len(PROFILES) + 10), now)
    return created
