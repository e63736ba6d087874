"""Read everything the platform keeps about one person, section by section, as JSON-ready values.

Each reader returns plain lists of dicts (dates as ISO 8601 strings in UTC), in a stable order,
with one query per section (never one per row).
"""

from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.activities.models import Activity
from app.activities.models import Submission
from app.alerts.models import Alert
from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.certificates.models import Certificate
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.consent.models import ContactConsent
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.progress.models import LearningEvent
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.progress.models import ReadingProgress
from app.progress.models import Verb
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from app.quizzes.question_types import QUESTION_TYPES
from app.tutor_feedback.models import TutorRating
from app.tutoring.models import Contact


def iso_utc(value: datetime | date | None) -> str | None:
    """Return a datetime as ISO 8601 in UTC (``2026-11-02T09:00:00+00:00``), a date as ``2026-11-02``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _plain(value):
    return iso_utc(value) if isinstance(value, date) else value


def _records(query: Select) -> list[dict]:
    """Run ``query`` and return its rows as dicts keyed by column label, dates as ISO strings."""
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in db.session.execute(query)]


def account(user: User) -> dict:
    """Return the account itself: identity, roles and dates."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": user.role_set.names,
        "is_active": user.is_active,
        "created_dt": iso_utc(user.created_dt),
        "last_login_dt": iso_utc(user.last_login_dt),
    }


def enrolments(user: User) -> list[dict]:
    """Return the cohorts the person was enrolled in, with their dates."""
    return _records(
        select(Cohort.name.label("cohort"), Cohort.start_date, Cohort.end_date, Cohort.is_closed, Enrolment.enrolled_dt)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_dt, Enrolment.id)
    )


def consents(user: User) -> list[dict]:
    """Return every change of the consent to be contacted, oldest first."""
    return _records(
        select(ContactConsent.is_given, ContactConsent.changed_dt)
        .where(ContactConsent.user_id == user.id)
        .order_by(ContactConsent.changed_dt, ContactConsent.id)
    )


def reading_progress(user: User) -> list[dict]:
    """Return where the person stands on each reading they opened, in course order."""
    return _records(
        select(
            Module.title.label("module"), Reading.slug.label("reading_slug"), Reading.title.label("reading"),
            ReadingProgress.first_viewed_dt, ReadingProgress.last_viewed_dt, ReadingProgress.view_count, ReadingProgress.completed_dt,
        )
        .join(Reading, Reading.id == ReadingProgress.reading_id)
        .join(Module, Module.id == Reading.module_id)
        .where(ReadingProgress.user_id == user.id)
        .order_by(Module.position, Reading.position)
    )


def reading_feedback(user: User) -> list[dict]:
    """Return the person's verdicts and comments on readings."""
    return _records(
        select(Reading.slug.label("reading_slug"), Reading.title.label("reading"), ReadingFeedback.rating, ReadingFeedback.comment, ReadingFeedback.updated_dt)
        .join(Reading, Reading.id == ReadingFeedback.reading_id)
        .join(Module, Module.id == Reading.module_id)
        .where(ReadingFeedback.user_id == user.id)
        .order_by(Module.position, Reading.position)
    )


def activity_answers(user: User) -> list[dict]:
    """Return every version of the person's answers to the activities, with the tutor's feedback (files by name only)."""
    return _records(
        select(Activity.slug.label("activity_slug"), Activity.title.label("activity"), Submission.version, Submission.status, Submission.answer,
               Submission.file_name, Submission.submitted_dt, Submission.feedback, Submission.reviewed_dt)
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Submission.user_id == user.id)
        .order_by(Activity.id, Submission.version)
    )


def certificates(user: User) -> list[dict]:
    """Return the person's certificate, as it reads."""
    return _records(
        select(Certificate.code, Certificate.learner_name, Certificate.course_title, Certificate.cohort_name, Certificate.started_on,
               Certificate.completed_on, Certificate.minutes, Certificate.issued_dt, Certificate.revoked_dt)
        .where(Certificate.user_id == user.id)
    )


def tutor_ratings(user: User) -> list[dict]:
    """Return what the person said of their tutors."""
    tutor = aliased(User)
    return _records(
        select(tutor.display_name.label("tutor"), TutorRating.helpfulness, TutorRating.clarity, TutorRating.comment, TutorRating.updated_dt)
        .join(tutor, tutor.id == TutorRating.tutor_id)
        .where(TutorRating.learner_id == user.id)
        .order_by(TutorRating.id)
    )


def quiz_attempts(user: User) -> list[dict]:
    """Return every quiz attempt with its answers, oldest first (two queries in all)."""
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.submitted_dt, QuizAttempt.id)).all()
    answers: dict[int, list[dict]] = {attempt.id: [] for attempt in attempts}
    rows = db.session.scalars(
        select(AttemptAnswer).join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id).where(QuizAttempt.user_id == user.id).order_by(AttemptAnswer.attempt_id, AttemptAnswer.position)
    )
    for answer in rows:
        answers[answer.attempt_id].append(_answer(answer))
    return [
        {
            "quiz": attempt.quiz.title,
            "module_slug": attempt.quiz.slug,
            "quiz_revision": attempt.quiz_revision,
            "submitted_dt": iso_utc(attempt.submitted_dt),
            "correct_count": attempt.correct_count,
            "question_count": attempt.question_count,
            "score": attempt.score,
            "is_passed": attempt.is_passed,
            "answers": answers[attempt.id],
        }
        for attempt in attempts
    ]


def _answer(answer: AttemptAnswer) -> dict:
    question = answer.question
    choices = QUESTION_TYPES[question.type].choices(question.data, answer.shown_order) if question.type in QUESTION_TYPES else []
    texts = {choice.key: choice.text for choice in choices}
    return {
        "question_key": question.key,
        "question": question.prompt,
        # The options as the person saw them, in that order (answered versions of a question are kept as they were).
        "options_shown": [{"key": choice.key, "text": choice.text} for choice in choices],
        "response": answer.response,
        "response_text": [texts.get(key, key) for key in answer.response],
        "is_correct": answer.is_correct,
        "credit": answer.credit,
    }


def quiz_progress(user: User) -> list[dict]:
    """Return the person's best result on each quiz."""
    return _records(
        select(
            Quiz.title.label("quiz"), QuizProgress.attempt_count, QuizProgress.best_score, QuizProgress.is_passed,
            QuizProgress.passed_dt, QuizProgress.failures_count, QuizProgress.last_attempt_dt,
        )
        .join(Quiz, Quiz.id == QuizProgress.quiz_id)
        .where(QuizProgress.user_id == user.id)
        .order_by(Quiz.id)
    )


def diagnostic_answers(user: User) -> list[dict]:
    """Return the person's self-diagnostic ratings, by phase and statement."""
    return _records(
        select(DiagnosticAnswer.phase, DiagnosticStatement.key.label("statement_key"), DiagnosticStatement.text.label("statement"), DiagnosticAnswer.rating, DiagnosticAnswer.answered_dt)
        .join(DiagnosticStatement, DiagnosticStatement.id == DiagnosticAnswer.statement_id)
        .where(DiagnosticAnswer.user_id == user.id)
        .order_by(DiagnosticAnswer.phase.desc(), DiagnosticStatement.position)  # "before", then "after"
    )


def learning_events(user: User) -> list[dict]:
    """Return the person's entries in the event log, oldest first."""
    return _records(
        select(
            LearningEvent.id, LearningEvent.verb, LearningEvent.object_type, LearningEvent.object_id, LearningEvent.result,
            LearningEvent.cohort_id, LearningEvent.created_dt,
        )
        .where(LearningEvent.actor_id == user.id)
        .order_by(LearningEvent.id)
    )


def alerts(user: User) -> list[dict]:
    """Return the lag alerts raised about the person, with their figures."""
    return _records(
        select(
            Cohort.name.label("cohort"), Alert.kind, Alert.figures, Alert.opened_dt, Alert.updated_dt, Alert.closed_dt,
            Alert.resolved_dt, Alert.snoozed_until,
        )
        .join(Cohort, Cohort.id == Alert.cohort_id)
        .where(Alert.user_id == user.id)
        .order_by(Alert.opened_dt, Alert.id)
    )


def contacts(user: User) -> list[dict]:
    """Return the contacts tutors logged with the person (the tutor by display name only)."""
    return _records(
        select(Cohort.name.label("cohort"), User.display_name.label("tutor"), Contact.channel, Contact.outcome, Contact.note, Contact.contacted_dt)
        .join(Cohort, Cohort.id == Contact.cohort_id)
        .join(User, User.id == Contact.tutor_id)
        .where(Contact.learner_id == user.id)
        .order_by(Contact.contacted_dt, Contact.id)
    )


def messages(user: User) -> list[dict]:
    """Return the emails queued or sent to the person."""
    return _records(
        select(OutboxMessage.subject, OutboxMessage.body, OutboxMessage.status, OutboxMessage.created_dt, OutboxMessage.sent_dt)
        .where(messages_to(user))
        .order_by(OutboxMessage.created_dt, OutboxMessage.id)
    )


#: The sections of the data file after ``account``, in the order of the "Mes données" page.
SECTIONS: dict[str, Callable[[User], list[dict]]] = {
    "enrolments": enrolments,
    "consents": consents,
    "reading_progress": reading_progress,
    "reading_feedback": reading_feedback,
    "activity_answers": activity_answers,
    "certificates": certificates,
    "tutor_ratings": tutor_ratings,
    "quiz_attempts": quiz_attempts,
    "quiz_progress": quiz_progress,
    "diagnostic_answers": diagnostic_answers,
    "learning_events": learning_events,
    "alerts": alerts,
    "contacts": contacts,
    "messages": messages,
}


def erasure_counts(user: User) -> dict[str, int]:
    """Count what anonymising ``user`` would erase or detach, for the admin's confirmation page."""

    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    return {
        "consents": count(ContactConsent, ContactConsent.user_id == user.id),
        "comments": count(ReadingFeedback, ReadingFeedback.user_id == user.id, ReadingFeedback.comment.is_not(None)),
        "answers": count(Submission, Submission.user_id == user.id),
        "notes": count(Contact, Contact.learner_id == user.id, Contact.note != ""),
        "messages": count(OutboxMessage, messages_to(user)),
        "events": count(LearningEvent, LearningEvent.actor_id == user.id),
    }


def messages_to(user: User):
    """Return the condition naming the outbox messages meant for ``user`` (by account or by address)."""
    return or_(OutboxMessage.recipient_id == user.id, OutboxMessage.to_address == user.email)


def commented_events(user_id: int) -> list[LearningEvent]:
    """Return the person's feedback events, whose result holds the comment they wrote."""
    return list(db.session.scalars(select(LearningEvent).where(LearningEvent.actor_id == user_id, LearningEvent.verb == Verb.COMMENTED.value)))
