"""Write reminders from templates and queue them; every one passes the consent check first."""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.consent.services import ensure_all_contactable
from app.outbox.services import one_line
from app.outbox.services import queue_messages

#: The placeholders a template may use, with what each stands for (shown to tutors).
PLACEHOLDERS = {
    "prenom": _l("le prénom de l'apprenant"),
    "cohorte": _l("le nom de la cohorte"),
    "retard": _l("les jours de retard sur le rythme conseillé"),
    "faits": _l("les éléments faits"),
    "attendus": _l("les éléments que le rythme attend à ce jour"),
    "total": _l("le nombre d'éléments du cours"),
    "date_fin": _l("la date de fin de la cohorte"),
    "lien": _l("l'adresse du cours"),
}
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")

DEFAULT_SUBJECT = _l("Où en êtes-vous du cours « Comprendre l'IA au travail » ?")
DEFAULT_BODY = _l(
    "Bonjour {prenom},\n\n"
    "Vous suivez le cours « Comprendre l'IA au travail » avec la cohorte {cohorte}. "
    "Vous avez fait {faits} éléments sur {total} ; le rythme conseillé en attend {attendus} à ce jour.\n\n"
    "Vous pouvez reprendre là où vous en étiez : {lien}\n"
    "La cohorte se termine le {date_fin}. Si quelque chose vous bloque, répondez simplement à ce message.\n\n"
    "Bonne continuation !"
)


class TemplateError(ValueError):
    """A template uses a placeholder that does not exist; the message names it."""


def unknown_placeholders(template: str) -> list[str]:
    """Return the placeholders of ``template`` that :data:`PLACEHOLDERS` does not know."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each ``{name}`` with its value (no format mini-language, no attribute access).

    :raise TemplateError: for an unknown placeholder.
    """
    unknown = unknown_placeholders(template)
    if unknown:
        raise TemplateError(", ".join("{" + name + "}" for name in unknown))
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)


@dataclass(frozen=True)
class Recipient:
    """A learner a reminder is written for, with the values of the placeholders."""

    user_id: int
    email: str
    values: dict[str, str]


def course_link() -> str:
    """Return the absolute address of the course map, for emails."""
    return current_app.config["PLATFORM_HOMEPAGE"].rstrip("/") + "/cours/"


@dataclass(frozen=True)
class Reminder:
    """One reminder to queue: for whom, what (templates), and the cause that names it."""

    recipient: Recipient
    subject: str
    body: str
    dedupe_key: str
    alert_id: int | None = None


def queue_reminders(reminders: list[Reminder], *, cohort_id: int, sender_id: int | None = None) -> int:
    """Queue reminders to learners who agreed to be contacted, all at once; flushes, the caller commits.

    :raise ConsentRequired: if any learner has not agreed (nothing is queued then).
    :raise TemplateError: for an unknown placeholder.
    :return: how many were queued (a ``dedupe_key`` queued before counts for nothing).
    """
    ensure_all_contactable([r.recipient.user_id for r in reminders])
    messages = [
        {"dedupe_key": r.dedupe_key, "to_address": r.recipient.email, "subject": fill(r.subject, _one_line_values(r.recipient.values)), "body": fill(r.body, r.recipient.values),
         "recipient_id": r.recipient.user_id, "sender_id": sender_id, "cohort_id": cohort_id, "alert_id": r.alert_id}
        for r in reminders
    ]
    return queue_messages(messages)


def _one_line_values(values: dict) -> dict:
    """The placeholder values as a subject takes them: a name typed on two lines gives one line."""
    return {name: one_line(value) if isinstance(value, str) else value for name, value in values.items()}


def values_for(display_name: str, cohort, standing) -> dict[str, str]:
    """Return the placeholder values for a learner of ``cohort`` at ``standing``."""
    return {
        "prenom": (display_name or "").split(" ")[0],
        "cohorte": cohort.name,
        "retard": str(standing.days_behind),
        "faits": str(standing.done),
        "attendus": str(standing.expected),
        "total": str(standing.total),
        "date_fin": format_date(cohort.end_date, "d MMMM yyyy"),
        "lien": course_link(),
    }
