"""A learner's whole record as one of their tutors sees it."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.alerts.models import Alert
from app.auth.models import User
from app.catalogue.models import Reading
from app.catalogue.queries import COURSE_STAMP
from app.cohorts.models import Enrolment
from app.consent.models import ContactConsent
from app.consent.services import consent_history
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.queries import StatementResult
from app.diagnostic.queries import results_of
from app.extensions import db
from app.progress.models import LearningEvent
from app.progress.models import ObjectType
from app.progress.queries import ArchivedWork
from app.progress.queries import ModuleProgress
from app.progress.queries import archived_work
from app.progress.queries import modules_progress
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from app.tutoring.models import Contact

#: How many of the latest events the timeline shows.
TIMELINE_LENGTH = 100


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the learner, with what it was about."""

    when: datetime
    verb: str
    object_type: str
    title: str
    result: dict | None


@dataclass(frozen=True)
class ContactEntry:
    """A logged contact with the tutor's name."""

    contact: Contact
    tutor_name: str


@dataclass(frozen=True)
class LearnerRecord:
    """Everything the learner page shows."""

    user: User
    modules: list[ModuleProgress]
    attempts: list[QuizAttempt]
    diagnostic: list[StatementResult]
    timeline: list[TimelineEntry]
    alerts: list[Alert]
    contacts: list[ContactEntry]
    consent: list[ContactConsent]
    archived: list[ArchivedWork]


def _titles(events: list[LearningEvent]) -> dict[tuple[str, int], str]:
    """Name every object the events are about, one query per kind."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        wanted.setdefault(event.object_type, set()).add(event.object_id)
    sources = {ObjectType.READING.value: (Reading.id, Reading.title), ObjectType.QUIZ.value: (Quiz.id, Quiz.title), ObjectType.QUESTION.value: (Question.id, Question.prompt)}
    titles = {}
    for kind, ids in wanted.items():
        if kind in sources:
            key, title = sources[kind]
            titles.update({(kind, i): t for i, t in db.session.execute(select(key, title).where(key.in_(ids)))})
    return titles


def timeline(user_id: int, limit: int = TIMELINE_LENGTH) -> list[TimelineEntry]:
    """Return the learner's latest events, newest first."""
    events = db.session.scalars(
        select(LearningEvent).where(LearningEvent.actor_id == user_id).order_by(LearningEvent.created_dt.desc(), LearningEvent.id.desc()).limit(limit)
    ).all()
    titles = _titles(events)
    return [TimelineEntry(e.created_dt, e.verb, e.object_type, titles.get((e.object_type, e.object_id), ""), e.result) for e in events]


def contacts_of(cohort_id: int, learner_id: int) -> list[ContactEntry]:
    """Return the contacts logged with a learner in a cohort, newest first."""
    tutor = aliased(User)
    rows = db.session.execute(
        select(Contact, tutor.display_name)
        .join(tutor, tutor.id == Contact.tutor_id)
        .where(Contact.cohort_id == cohort_id, Contact.learner_id == learner_id)
        .order_by(Contact.contacted_dt.desc(), Contact.id.desc())
    )
    return [ContactEntry(contact, name) for contact, name in rows]


def learner_record(cohort_id: int, user: User) -> LearnerRecord:
    """Load the learner page: progress per module, attempts, diagnostic, timeline, alerts, contacts, consent."""
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.submitted_dt.desc())).all()
    alerts = db.session.scalars(select(Alert).where(Alert.cohort_id == cohort_id, Alert.user_id == user.id).order_by(Alert.opened_dt.desc(), Alert.id.desc())).all()
    return LearnerRecord(
        user=user,
        modules=modules_progress(user.id),
        attempts=list(attempts),
        diagnostic=results_of(user.id),
        timeline=timeline(user.id),
        alerts=list(alerts),
        contacts=contacts_of(cohort_id, user.id),
        consent=consent_history(user.id),
        archived=archived_work(user.id),
    )


def enrolled_learner(cohort_id: int, user_id: int) -> User | None:
    """Return the learner if enrolled in the cohort, else ``None``."""
    return db.session.scalar(select(User).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.cohort_id == cohort_id, User.id == user_id))


def _latest(column, *where):
    return select(func.max(column)).where(*where).scalar_subquery()


_USER, _COHORT = bindparam("user_id"), bindparam("cohort_id")
# Built once and run on the connection: a tutor's every view of the page asks them.
_RECORD_STAMP = select(
    _latest(LearningEvent.id, LearningEvent.actor_id == _USER),
    _latest(QuizAttempt.id, QuizAttempt.user_id == _USER),
    _latest(Contact.id, Contact.cohort_id == _COHORT, Contact.learner_id == _USER),
    _latest(ContactConsent.id, ContactConsent.user_id == _USER),
    _latest(DiagnosticAnswer.answered_dt, DiagnosticAnswer.user_id == _USER),
    select(func.count()).select_from(DiagnosticAnswer).where(DiagnosticAnswer.user_id == _USER).scalar_subquery(),
    COURSE_STAMP,
)
_ALERT_ROWS = select(*Alert.__table__.columns).where(Alert.cohort_id == _COHORT, Alert.user_id == _USER).order_by(Alert.id)


def record_stamp(cohort_id: int, user: User) -> tuple:
    """Return what changes whenever the learner page would, in two light queries: the page's cache key.

    Events, attempts, contacts and consent changes are only ever added (their latest id moves);
    diagnostic ratings are replaced in place (their latest date and count move); alerts change in
    place in many ways, so their rows themselves are part of the key. The course stamp covers the
    titles, the learner's own columns their name and state.
    """
    params = {"user_id": user.id, "cohort_id": cohort_id}
    connection = db.session.connection()
    latest = connection.execute(_RECORD_STAMP, params).one()
    alerts = tuple(tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row) for row in connection.execute(_ALERT_ROWS, params))
    person = (user.id, user.display_name, user.first_name, user.last_name, user.email, user.is_active)
    return (tuple(latest), alerts, person)
