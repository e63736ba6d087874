"""A person's own data: the download of everything kept about them, and the erasure of their identity.

Services flush; the view or command that started the unit of work commits once.
"""

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from app.activities.models import Submission
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import revoke_sessions
from app.certificates.models import Certificate
from app.consent.models import ContactConsent
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.privacy import queries
from app.progress.models import LearningEvent
from app.progress.models import ReadingFeedback
from app.tutor_feedback.models import TutorRating
from app.tutoring.models import Contact

#: Names the file's layout, so that a reader of an old download knows what to expect.
DATA_FORMAT = "comprendre-ia-au-travail/donnees-personnelles/1"
#: The name an anonymised account keeps (stored, so in French like the rest of the data).
ANONYMOUS_NAME = "Apprenant anonymisé"


def learner_data(user: User, now: datetime) -> dict:
    """Return everything the platform keeps about ``user``, ready for ``json.dumps``.

    :param now: the time of the export, written in the file.
    """
    data = {"format": DATA_FORMAT, "exported_dt": queries.iso_utc(now), "account": queries.account(user)}
    data.update({name: read(user) for name, read in queries.SECTIONS.items()})
    return data


def data_file_name(now: datetime) -> str:
    """Return the name offered for the downloaded file."""
    return f"mes-donnees-{now:%Y-%m-%d}.json"


class AnonymisationRefused(ValueError):
    """An anonymisation was refused and nothing changed; the message is meant for the admin."""


def anonymisation_refusal(user: User) -> str | None:
    """Return why ``user`` may not be anonymised, or ``None`` when they may."""
    if user.anonymised_dt is not None:
        return _("Ce compte est déjà anonymisé.")
    if user.has_role(Role.ADMIN):
        return _("Un compte administrateur ne peut pas être anonymisé.")
    if not user.has_role(Role.LEARNER):
        return _("Seuls les comptes d'apprenants peuvent être anonymisés.")
    return None


def anonymise_learner(user_id: int, now: datetime) -> User:
    """Erase a learner's identity and what they or others wrote about them; keep their learning record.

    The account keeps its id (so progress, attempts, alerts and cohort figures stay whole) but loses
    its address, name and password and can no longer sign in; the consent history is deleted;
    feedback comments, tutors' contact notes and the emails sent to them are blanked; learning
    events lose their actor (and the comment a feedback event carried).

    :raise AnonymisationRefused: for an unknown, admin, non-learner or already anonymised account.
    """
    # Locked (on PostgreSQL) and read afresh: two admins confirming at once anonymise once.
    user = db.session.scalar(select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True))
    if user is None:
        raise AnonymisationRefused(_("Ce compte n'existe pas."))
    refusal = anonymisation_refusal(user)
    if refusal is not None:
        raise AnonymisationRefused(refusal)
    _erase_writings(user)
    _erase_account(user, now)
    db.session.flush()
    current_app.logger.info("account %s anonymised", user_id)
    return user


def _erase_writings(user: User) -> None:
    """Delete or blank the personal data held outside the account row (before its address goes)."""
    db.session.execute(delete(ContactConsent).where(ContactConsent.user_id == user.id))
    db.session.execute(update(ReadingFeedback).where(ReadingFeedback.user_id == user.id).values(comment=None))
    db.session.execute(update(TutorRating).where(TutorRating.learner_id == user.id).values(comment=None))
    # Answers to the activities are the person's own writing, and the tutor's feedback is about
    # them: both go, with any file; the versions' statuses stay (what was validated still counts).
    db.session.execute(update(Submission).where(Submission.user_id == user.id).values(
        answer="", feedback=None, file_name=None, file_type=None, file_size=None, file_data=None))
    db.session.execute(update(Contact).where(Contact.learner_id == user.id).values(note=""))
    db.session.execute(update(OutboxMessage).where(queries.messages_to(user)).values(to_address="", subject="", body="", last_error=None))
    for event in queries.commented_events(user.id):
        if event.result and event.result.get("comment"):
            event.result = {**event.result, "comment": None}
    db.session.execute(update(LearningEvent).where(LearningEvent.actor_id == user.id).values(actor_id=None))


def _erase_account(user: User, now: datetime) -> None:
    user.email = f"anonyme-{user.id}@anonyme.invalid"
    user.display_name = ANONYMOUS_NAME
    # The certificate keeps saying the course was completed, by nobody one can name.
    db.session.execute(update(Certificate).where(Certificate.user_id == user.id).values(learner_name=ANONYMOUS_NAME))
    # Not a hash at all (no "$"): no password can ever match it.
    user.password_hash = "!" + secrets.token_hex(32)
    user.is_active = False
    user.anonymised_dt = now
    revoke_sessions(user.id)  # the person's open sessions end now, not at their next request's check
