"""Raise, refresh and close alerts; snooze and resolve them. They flush; the caller commits.

Safe to run twice at once, and while learners act: each batch of a run takes its cohort's lock
(:func:`lock_cohort`) before it reads its learners' facts, and a learner's action takes it, shared,
before its own refresh looks at their alerts. So a batch decides on the facts the actions it
raced left, or the action's refresh comes after the batch and corrects it with the learner's
own facts; never is an alert reopened from facts read before the learner caught up. Two runs
take turns and the second finds the first one's work done. On every engine the partial unique
index allows one current alert per learner and kind, and the outbox's unique key one reminder
per alert, whatever happens.
"""

from dataclasses import dataclass
from dataclasses import fields
from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.alerts.models import CURRENT
from app.alerts.models import Alert
from app.alerts.queries import CohortDay
from app.alerts.queries import LearnerRow
from app.alerts.queries import quiz_failures
from app.alerts.queries import waiting_reviews
from app.alerts.rules import AlertKind
from app.alerts.rules import LearnerFacts
from app.alerts.rules import evaluate
from app.alerts.rules import is_worse
from app.consent.services import contactable_ids
from app.db_util import take_turns
from app.extensions import db
from app.reminders.services import Recipient
from app.reminders.services import Reminder
from app.reminders.services import queue_reminders
from app.reminders.services import values_for

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
#: First key of the advisory locks taken by alert runs (the second is the cohort id).
_LOCK_NAMESPACE = 7_401


@dataclass
class RefreshReport:
    """What a refresh changed."""

    learners: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    reminders: int = 0

    def add(self, other: "RefreshReport") -> None:
        """Add ``other``'s counts to this report."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


#: The automatic reminder of each kind: subject and body (placeholders as in reminders.services).
AUTOMATIC_REMINDERS = {
    AlertKind.NOT_STARTED: (
        _l("Votre cours « Comprendre l'IA au travail » a commencé"),
        _l("Bonjour {prenom},\n\nLa cohorte {cohorte} a démarré et le cours vous attend : {lien}\n"
           "Quelques minutes par jour suffisent pour suivre le rythme conseillé jusqu'au {date_fin}.\n\nBonne découverte !"),
    ),
    AlertKind.BEHIND: (
        _l("Où en êtes-vous du cours « Comprendre l'IA au travail » ?"),
        _l("Bonjour {prenom},\n\nVous avez {retard} jours de retard sur le rythme conseillé : {faits} éléments faits sur {total}, "
           "le rythme en attend {attendus} à ce jour.\nVous pouvez reprendre là où vous en étiez : {lien}\n\nBonne continuation !"),
    ),
    AlertKind.AT_RISK: (
        _l("Nous pouvons vous aider à reprendre le cours"),
        _l("Bonjour {prenom},\n\nVous n'avez pas avancé dans le cours depuis un moment ({faits} éléments faits sur {total}). "
           "La cohorte {cohorte} se termine le {date_fin}.\nReprendre : {lien}\n"
           "Si quelque chose vous bloque, répondez à ce message : votre tuteur vous recontactera."),
    ),
    AlertKind.STRUGGLING: (
        _l("Un quiz vous résiste ?"),
        _l("Bonjour {prenom},\n\nUn quiz du cours vous a posé des difficultés. Relire les lectures liées à chaque question "
           "aide souvent ; les explications sont affichées après chaque essai.\nLe cours : {lien}\n\nBon courage !"),
    ),
}
#: When several alerts open for one learner at once, only the first kind here gets a reminder.
_REMINDER_PRIORITY = (AlertKind.AT_RISK, AlertKind.BEHIND, AlertKind.NOT_STARTED, AlertKind.STRUGGLING)


def lock_cohort(cohort_id: int, *, shared: bool = False) -> None:
    """Hold the cohort's alert lock until this transaction ends; take it before reading facts.

    A run's batch takes it exclusive; a learner's action takes it shared (learners do not wait for
    each other, their alerts are their own rows), so it waits only for a batch, and a batch for it.
    On SQLite it is the write lock (see :func:`app.db_util.take_turns`).
    """
    take_turns(_LOCK_NAMESPACE, cohort_id, shared=shared)


def _of_learners(cohort_id: int, user_ids: list[int]):
    """Select the alerts of these learners of a cohort.

    The id range repeats what the list says, so that the (cohort, learner) indexes are searched on
    both columns whatever the planner estimates: without statistics (data just loaded), PostgreSQL
    searched on the cohort only and filtered the list, reading every current alert of the cohort
    for each batch of learners.
    """
    return and_(Alert.cohort_id == cohort_id, Alert.user_id.between(min(user_ids), max(user_ids)), Alert.user_id.in_(user_ids))


def refresh_learners(day: CohortDay, rows: list[LearnerRow], now: datetime) -> RefreshReport:
    """Evaluate the rules for these learners of one cohort and bring their alerts up to date.

    Opens what fires and has no current alert, refreshes the figures of what still fires, closes
    what no longer fires (the learner caught up), then queues the automatic reminders. The caller
    holds the cohort's lock (:func:`lock_cohort`) since before it read ``rows``.
    """
    report = RefreshReport(learners=len(rows))
    if not rows:
        return report
    ids = [row.user_id for row in rows]
    failures = quiz_failures(ids, day.thresholds.struggling_failures)
    reviews = {user_id: (title, day.local_date(sent)) for user_id, (title, sent) in waiting_reviews(ids).items()}
    current = {(a.user_id, a.kind): a for a in db.session.scalars(select(Alert).where(_of_learners(day.cohort_id, ids), CURRENT))}
    fresh, seen = [], set()
    for row in rows:
        facts = LearnerFacts(day.start_date, day.today, day.pace.standing(row.done), day.local_date(row.last_activity_dt), failures.get(row.user_id, {}),
                             reviews.get(row.user_id))
        for finding in evaluate(facts, day.thresholds):
            key, figures = (row.user_id, finding.kind.value), finding.stored_figures()
            seen.add(key)
            alert = current.get(key)
            new = {"cohort_id": day.cohort_id, "user_id": row.user_id, "kind": key[1], "figures": figures, "opened_dt": now, "updated_dt": now, "is_reminder_done": False}
            if alert is None:
                fresh.append(new)
            elif alert.is_resolved and is_worse(alert.kind, alert.resolved_figures, figures, day.thresholds):
                alert.closed_dt = now  # handled, then worse than when handled: a new problem, a new alert
                report.closed += 1
                fresh.append(new)
            elif alert.figures != figures:
                alert.figures, alert.updated_dt = figures, now
                report.updated += 1
    for key, alert in current.items():
        if key not in seen:
            alert.closed_dt = now
            report.closed += 1
    db.session.flush()
    report.opened = _insert_alerts(fresh)
    if day.sends_reminders:
        # Without a new alert, the ones waiting for a reminder are among those just looked at.
        waiting = None if fresh else [a for a in current.values() if a.closed_dt is None and not a.is_resolved and not a.is_reminder_done]
        report.reminders = _queue_automatic_reminders(day, {row.user_id: row for row in rows}, waiting)
    return report


def _insert_alerts(values: list[dict]) -> int:
    if not values:
        return 0
    # One row's statement run with every row (executemany, which SQLAlchemy sends as multi-row
    # INSERTs): an INSERT carrying all the rows as values had thousands of parameters to compile
    # for every batch of learners, which took longer than running it.
    table = Alert.__table__
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(table).on_conflict_do_nothing(index_elements=["cohort_id", "user_id", "kind"], index_where=CURRENT).returning(table.c.id)
    return len(db.session.execute(statement, values).all())  # rowcount is not portable here


def _queue_automatic_reminders(day: CohortDay, rows: dict[int, LearnerRow], pending: list[Alert] | None = None) -> int:
    """Queue one reminder per learner with alerts not yet reminded, if the learner agreed to it.

    :param pending: those alerts, when the caller already has them (else they are read).
    """
    if pending is None:
        pending = db.session.scalars(
            select(Alert).where(
                _of_learners(day.cohort_id, list(rows)), CURRENT, Alert.resolved_dt.is_(None), Alert.is_reminder_done.is_(False)
            )
        ).all()
    pending = [a for a in pending if AlertKind(a.kind) in AUTOMATIC_REMINDERS]  # tutor-side alerts remind nobody
    if not pending:
        return 0
    reachable = contactable_ids(sorted({a.user_id for a in pending}))
    by_learner: dict[int, list[Alert]] = {}
    for alert in pending:
        if alert.user_id in reachable:
            by_learner.setdefault(alert.user_id, []).append(alert)
    reminders = []
    with db.session.no_autoflush:  # the alerts marked below are written by one flush, after the reminders
        for user_id, alerts in by_learner.items():
            alerts.sort(key=lambda a: _REMINDER_PRIORITY.index(AlertKind(a.kind)))
            first, row = alerts[0], rows[user_id]
            subject, body = AUTOMATIC_REMINDERS[AlertKind(first.kind)]  # written in each learner's language
            recipient = Recipient(user_id, row.email, values_for(row.display_name, day, day.pace.standing(row.done)))
            reminders.append(Reminder(recipient, subject, body, f"alert:{first.id}", first.id))
            for alert in alerts:  # one email covers every alert open at that moment
                alert.is_reminder_done = True
        queued = queue_reminders(reminders, cohort_id=day.cohort_id)
    db.session.flush()
    return queued


class AlertError(ValueError):
    """A tutor's action on an alert was refused; the message says why."""


def snooze_alert(alert: Alert, until: date, today: date) -> None:
    """Put an alert aside until ``until`` (it shows again that day if it still holds).

    :raise AlertError: for a date that is not in the future, or an alert already closed.
    """
    if alert.closed_dt is not None or alert.resolved_dt is not None:
        raise AlertError(str(_l("Cette alerte n'est plus ouverte.")))
    if until <= today:
        raise AlertError(str(_l("Choisissez une date postérieure à aujourd'hui.")))
    alert.snoozed_until = until
    db.session.flush()


def resolve_alert(alert: Alert, tutor_id: int, now: datetime) -> None:
    """Mark an alert as handled by a tutor, remembering its figures.

    No new alert of its kind opens while its rule holds no worse than now; one threshold worse
    (two more failures at a quiz, another threshold of days behind) is a new problem and opens a
    new alert (see :func:`app.alerts.rules.is_worse`).

    :raise AlertError: for an alert already closed or resolved.
    """
    if alert.closed_dt is not None or alert.resolved_dt is not None:
        raise AlertError(str(_l("Cette alerte n'est plus ouverte.")))
    alert.resolved_dt, alert.resolved_by_id, alert.resolved_figures = now, tutor_id, alert.figures
    db.session.flush()
