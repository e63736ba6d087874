"""Anonymising a learner erases their identity and writings and keeps their learning record."""

from datetime import UTC
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.consent.models import ContactConsent
from app.consent.services import is_contactable
from app.extensions import db
from app.outbox.models import MessageStatus
from app.outbox.models import OutboxMessage
from app.outbox.services import send_pending
from app.privacy.services import ANONYMOUS_NAME
from app.privacy.services import AnonymisationRefused
from app.privacy.services import anonymise_learner
from app.progress.models import LearningEvent
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.quizzes.models import QuizAttempt
from app.tutoring.models import Contact
from tests.conftest import PASSWORD
from tests.privacy.conftest import COMMENT
from tests.privacy.conftest import NOTE

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _anonymise(app, user_id: int) -> None:
    with app.app_context():
        anonymise_learner(user_id, NOW)
        db.session.commit()


def _everything_stored(app) -> str:
    """Return the text of every row of every table."""
    with app.app_context():
        return "\n".join(str(row) for table in db.metadata.sorted_tables for row in db.session.execute(table.select()))


def test_the_account_loses_its_identity_and_password(app, history):
    with app.app_context():
        old_hash = db.session.get(User, history.learner_id).password_hash
    _anonymise(app, history.learner_id)
    with app.app_context():
        user = db.session.get(User, history.learner_id)
        assert (user.email, user.display_name) == (f"anonyme-{user.id}@anonyme.invalid", ANONYMOUS_NAME)
        assert not user.is_active and user.anonymised_dt == NOW
        assert user.password_hash != old_hash and not user.check_password(PASSWORD)


def test_writings_about_them_are_erased_and_their_record_kept(app, history):
    with app.app_context():
        events_before = db.session.scalar(select(func.count()).select_from(LearningEvent))
    _anonymise(app, history.learner_id)
    with app.app_context():
        uid = history.learner_id
        assert db.session.scalar(select(func.count()).select_from(ContactConsent).where(ContactConsent.user_id == uid)) == 0
        feedback = db.session.scalar(select(ReadingFeedback).where(ReadingFeedback.user_id == uid))
        assert (feedback.rating, feedback.comment) == ("pas_clair", None)
        contact = db.session.scalar(select(Contact).where(Contact.learner_id == uid))
        assert (contact.note, contact.channel, contact.outcome, contact.tutor_id) == ("", "telephone", "reached", history.tutor_id)
        message = db.session.scalar(select(OutboxMessage))
        assert (message.to_address, message.subject, message.body, message.status) == ("", "", "", "sent")
        assert db.session.scalar(select(func.count()).select_from(LearningEvent)) == events_before
        assert db.session.scalar(select(LearningEvent).where(LearningEvent.actor_id == uid)) is None
        commented = db.session.scalar(select(LearningEvent).where(LearningEvent.verb == "commented"))
        assert commented.result == {"response": "pas_clair", "comment": None}
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == uid)) == 2
        assert db.session.get(QuizProgress, (uid, db.session.scalar(select(QuizAttempt.quiz_id)))).is_passed


def test_nothing_stored_names_them_any_more(app, history):
    stored = _everything_stored(app)
    assert "Camille" in stored and "camille@example.org" in stored
    _anonymise(app, history.learner_id)
    stored = _everything_stored(app)
    for trace in ("Camille", "camille@example.org", COMMENT, NOTE, "06 12 34 56 78"):
        assert trace not in stored, trace


def test_they_can_no_longer_sign_in_and_are_signed_out(app, client, history, login):
    camille = SimpleNamespace(email=history.learner_email)
    assert login(camille).status_code == 302
    _anonymise(app, history.learner_id)
    response = client.get("/parcours/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    assert login(camille).status_code == 400  # the sign-in form again: unknown address
    assert login(SimpleNamespace(email=f"anonyme-{history.learner_id}@anonyme.invalid")).status_code == 400


class _Recorder:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


def test_a_reminder_still_queued_never_leaves(app, history):
    with app.app_context():
        db.session.add(OutboxMessage(dedupe_key="manual-1", recipient_id=history.learner_id, to_address=history.learner_email, subject="Relance", body="Bonjour Camille"))
        db.session.commit()
    _anonymise(app, history.learner_id)
    transport = _Recorder()
    with app.app_context():
        report = send_pending(transport, is_contactable)
        assert (report.sent, report.cancelled, transport.sent) == (0, 1, [])
        queued = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "manual-1"))
        assert (queued.to_address, queued.body, queued.status) == ("", "", MessageStatus.CANCELLED.value)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (Role.ADMIN, "Un compte administrateur ne peut pas être anonymisé."),
        (Role.LEARNER | Role.ADMIN, "Un compte administrateur ne peut pas être anonymisé."),
        (Role.TUTOR, "Seuls les comptes d'apprenants peuvent être anonymisés."),
    ],
)
def test_admins_and_staff_are_refused(app, create_user, roles, message):
    ref = create_user(roles=roles, email="staff@example.org", name="Sam Staff")
    with app.app_context():
        with pytest.raises(AnonymisationRefused, match=message):
            anonymise_learner(ref.id, NOW)
        db.session.rollback()
        user = db.session.get(User, ref.id)
        assert (user.email, user.display_name, user.is_active, user.anonymised_dt) == ("staff@example.org", "Sam Staff", True, None)


def test_a_second_anonymisation_is_refused_and_changes_nothing(app, history):
    _anonymise(app, history.learner_id)
    with app.app_context():
        with pytest.raises(AnonymisationRefused, match="Ce compte est déjà anonymisé."):
            anonymise_learner(history.learner_id, datetime(2026, 12, 1, tzinfo=UTC))
        db.session.rollback()
        assert db.session.get(User, history.learner_id).anonymised_dt == NOW


def test_an_unknown_account_is_refused(app):
    with app.app_context(), pytest.raises(AnonymisationRefused, match="Ce compte n'existe pas."):
        anonymise_learner(4242, NOW)


def test_other_learners_keep_everything(app, history, create_user):
    other = create_user(email="dominique@example.org", name="Dominique Durand")
    with app.app_context():
        db.session.add(ContactConsent(user_id=other.id, is_given=True, changed_dt=NOW))
        db.session.add(LearningEvent(actor_id=other.id, verb="experienced", object_type="reading", object_id=1, created_dt=NOW))
        db.session.commit()
    _anonymise(app, history.learner_id)
    with app.app_context():
        assert db.session.get(User, other.id).email == "dominique@example.org"
        assert is_contactable(other.id)
        assert db.session.scalar(select(func.count()).select_from(LearningEvent).where(LearningEvent.actor_id == other.id)) == 1
