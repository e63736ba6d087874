"""Write reminders from templates and queue them; every one passes the consent check first."""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from app.consent.services import ensure_contactable
from app.outbox.services import queue_message

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


def queue_reminder(recipient: Recipient, subject: str, body: str, *, dedupe_key: str, cohort_id: int, sender_id: int | None = None, alert_id: int | None = None) -> bool:
    """Queue a reminder to a learner who agreed to be contacted; flushes, the caller commits.

    :raise ConsentRequired: without the learner's current consent (nothing is queued).
    :raise TemplateError: for an unknown placeholder.
    :return: whether it was queued (false if ``dedupe_key`` was queued already).
    """
    ensure_contactable(recipient.user_id)
    return queue_message(
        dedupe_key=dedupe_key,
        to_address=recipient.email,
        subject=fill(subject, recipient.values),
        body=fill(body, recipient.values),
        recipient_id=recipient.user_id,
        sender_id=sender_id,
        cohort_id=cohort_id,
        alert_id=alert_id,
    )


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
