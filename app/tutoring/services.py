"""What tutors do: log contacts and send reminders. They flush; the caller commits.

Both go through the consent check (:func:`~app.consent.services.ensure_contactable`, or its batch twin for
reminders), whatever page or command asks.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.alerts.models import Alert
from app.alerts.queries import CohortDay
from app.consent.services import ensure_contactable
from app.extensions import db
from app.reminders.services import Recipient
from app.reminders.services import Reminder
from app.reminders.services import queue_reminders
from app.reminders.services import values_for
from app.tutoring.models import Contact
from app.tutoring.queries import LearnerLine

#: How a tutor reached the learner.
CHANNELS = {
    "telephone": _l("Téléphone"),
    "email": _l("E-mail"),
    "visio": _l("Visioconférence"),
    "message": _l("Messagerie interne"),
    "en_personne": _l("En personne"),
}
#: What came of it.
OUTCOMES = {
    "joint": _l("Apprenant joint"),
    "message_laisse": _l("Message laissé"),
    "sans_reponse": _l("Pas de réponse"),
    "rendez_vous": _l("Rendez-vous pris"),
    "ne_souhaite_pas": _l("Ne souhaite pas poursuivre"),
}


class ContactError(ValueError):
    """A contact could not be logged; the message says why."""


def log_contact(*, cohort_id: int, learner_id: int, tutor_id: int, channel: str, outcome: str, note: str, now: datetime, alert_id: int | None = None) -> Contact:
    """Log a contact with a learner who agreed to be contacted.

    :raise ConsentRequired: without the learner's current consent (nothing is logged).
    :raise ContactError: for an unknown channel or outcome, or an alert about someone else.
    """
    ensure_contactable(learner_id)
    if channel not in CHANNELS or outcome not in OUTCOMES:
        raise ContactError(str(_l("Canal ou résultat inconnu.")))
    if alert_id is not None:
        owner = db.session.execute(select(Alert.cohort_id, Alert.user_id).where(Alert.id == alert_id)).first()
        if owner is None or tuple(owner) != (cohort_id, learner_id):
            raise ContactError(str(_l("Cette alerte ne concerne pas cet apprenant.")))
    contact = Contact(cohort_id=cohort_id, learner_id=learner_id, tutor_id=tutor_id, channel=channel, outcome=outcome, note=note.strip(), alert_id=alert_id, contacted_dt=now)
    db.session.add(contact)
    db.session.flush()
    return contact


def send_reminders(day: CohortDay, lines: list[LearnerLine], subject: str, body: str, *, tutor_id: int, batch_key: str) -> int:
    """Queue a reminder to each of these learners who agreed to be contacted.

    :param batch_key: names this sending (the form's one-time key): the same form sent twice
        queues nothing more.
    :raise ConsentRequired: if any learner given has not agreed (nothing is queued then); callers
        pass only contactable learners, the check is the service's own guarantee.
    :return: how many reminders were queued.
    """
    reminders = [
        Reminder(Recipient(line.user_id, line.email, values_for(line.name, day, day.pace.standing(line.done))), subject, body, f"reminder:{batch_key}:{line.user_id}")
        for line in lines
    ]
    return queue_reminders(reminders, cohort_id=day.cohort_id, sender_id=tutor_id)
