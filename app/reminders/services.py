"""Write reminders from templates and queue them; every one passes the consent check first.

Each reminder is written in its recipient's language (their account's choice, the platform's
default otherwise), never in that of whoever queued it: a template given as a translatable string,
or a tutor's text left as the platform's template in any language, is translated for each
recipient, and dates are written in the recipient's language. Links use ``PLATFORM_HOMEPAGE``.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import LazyString
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.auth.locale import locales_of
from app.consent.services import ensure_all_contactable
from app.dates import date_text
from app.outbox.models import OutboxMessage
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
#: Longest subject the outbox stores. The form counts the template, but ``{cohorte}`` or ``{lien}``
#: may make the filled subject longer: it is cut to this, or PostgreSQL would refuse the row.
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length

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


def fill(template: str, values: dict) -> str:
    """Replace each ``{name}`` with its value (no format mini-language, no attribute access).

    A date value is written in the current language.

    :raise TemplateError: for an unknown placeholder.
    """
    unknown = unknown_placeholders(template)
    if unknown:
        raise TemplateError(", ".join("{" + name + "}" for name in unknown))
    return _PLACEHOLDER.sub(lambda m: _as_text(values.get(m.group(1), "")), template)


def _as_text(value) -> str:
    return date_text(value) if isinstance(value, date) else str(value)


def fill_subject(template: str, values: dict) -> str:
    """Fill a subject: on one line (a value typed on two lines gives one), cut with « … » to fit the outbox.

    :raise TemplateError: for an unknown placeholder.
    """
    subject = fill(template, _one_line_values(values))
    if len(subject) <= SUBJECT_LENGTH:
        return subject
    return subject[: SUBJECT_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class Recipient:
    """A learner a reminder is written for, with the values of the placeholders."""

    user_id: int
    email: str
    values: dict[str, str | date]


def course_link() -> str:
    """Return the absolute address of the course map, for emails."""
    return current_app.config["PLATFORM_HOMEPAGE"].rstrip("/") + "/cours/"


@dataclass(frozen=True)
class Reminder:
    """One reminder to queue: for whom, what (templates), and the cause that names it.

    ``subject`` and ``body`` are either the sender's own words or translatable templates
    (``lazy_gettext``), written out in the recipient's language.
    """

    recipient: Recipient
    subject: str | LazyString
    body: str | LazyString
    dedupe_key: str
    alert_id: int | None = None


def queue_reminders(reminders: list[Reminder], *, cohort_id: int, sender_id: int | None = None) -> int:
    """Queue reminders to learners who agreed to be contacted, all at once; flushes, the caller commits.

    :raise ConsentRequired: if any learner has not agreed (nothing is queued then).
    :raise TemplateError: for an unknown placeholder.
    :return: how many were queued (a ``dedupe_key`` queued before counts for nothing).
    """
    ensure_all_contactable([r.recipient.user_id for r in reminders])
    locales = locales_of(sorted({r.recipient.user_id for r in reminders}))
    known: dict[str, str | LazyString] = {}
    templates = [(_translatable(r.subject, known), _translatable(r.body, known)) for r in reminders]
    texts: dict[int, tuple[str, str]] = {}
    for locale in sorted(set(locales.values())):  # one language switch per language, not per reminder
        with force_locale(locale):
            for i, r in enumerate(reminders):
                if locales[r.recipient.user_id] == locale:
                    subject, body = templates[i]
                    texts[i] = (fill_subject(str(subject), r.recipient.values), fill(str(body), r.recipient.values))
    messages = [
        {"dedupe_key": r.dedupe_key, "to_address": r.recipient.email, "subject": texts[i][0], "body": texts[i][1],
         "recipient_id": r.recipient.user_id, "sender_id": sender_id, "cohort_id": cohort_id, "alert_id": r.alert_id}
        for i, r in enumerate(reminders)
    ]
    return queue_messages(messages)


#: Templates a tutor is offered; left as offered (in whatever language), they are translated.
OFFERED_TEMPLATES = (DEFAULT_SUBJECT, DEFAULT_BODY)


def _translatable(text: str | LazyString, known: dict) -> str | LazyString:
    """Return the offered template ``text`` is, in any language, or ``text`` itself (the sender's own words).

    :param known: the answers so far, by text (a batch repeats the same few texts).
    """
    if isinstance(text, LazyString):
        return text
    if text not in known:
        normalised = text.replace("\r\n", "\n").strip()
        known[text] = text
        for locale in current_app.config["LANGUAGES"]:
            with force_locale(locale):
                match = next((t for t in OFFERED_TEMPLATES if str(t).strip() == normalised), None)
            if match is not None:
                known[text] = match
                break
    return known[text]


def _one_line_values(values: dict) -> dict:
    """The placeholder values as a subject takes them: a name typed on two lines gives one line."""
    return {name: one_line(value) if isinstance(value, str) else value for name, value in values.items()}


def values_for(display_name: str, cohort, standing) -> dict[str, str | date]:
    """Return the placeholder values for a learner of ``cohort`` at ``standing`` (see :func:`fill`)."""
    return {
        "prenom": (display_name or "").split(" ")[0],
        "cohorte": cohort.name,
        "retard": str(standing.days_behind),
        "faits": str(standing.done),
        "attendus": str(standing.expected),
        "total": str(standing.total),
        "date_fin": cohort.end_date,  # written in each recipient's language by fill()
        "lien": course_link(),
    }
