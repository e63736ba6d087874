"""Cohort operations: they flush, the caller commits."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.auth.models import UserRef
from app.auth.services import find_user_by_email
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.extensions import db
from app.signals import enrolment_ended


def _pace_order(today: date) -> tuple:
    """ORDER BY of a learner's open cohorts: the one the course map's pace follows comes first.

    That is the cohort still running (or not started) that ends soonest, the nearest deadline
    the learner has; cohorts already over but not closed by an admin come after, latest first.
    In SQL, so that a statement written for something else can return the first one (see
    :func:`pace_cohort_columns`).
    """
    running = Cohort.end_date >= today
    # The second key is empty for the cohorts over, which the third then sorts latest first.
    return case((running, 0), else_=1), case((running, Cohort.end_date)), Cohort.end_date.desc(), Cohort.id


def _open_cohorts(user_id: int, *columns):
    """Select ``columns`` of the open cohorts of the learner ``user_id``.

    The enrolments are a subquery rather than a join: without a column name two tables share,
    the statement stays right where SQLite drops the table names (in a ``RETURNING`` clause).
    """
    enrolled = select(Enrolment.cohort_id).where(Enrolment.user_id == user_id)
    return select(*columns).where(Cohort.id.in_(enrolled), Cohort.is_closed.is_(False))


def _in_pace_order(user_id: int, *columns):
    """Select ``columns`` of the open cohorts of the learner, the one whose pace they see first."""
    return _open_cohorts(user_id, *columns).order_by(*_pace_order(now_utc().date()))


def open_cohorts_of(user_id: int) -> list[Cohort]:
    """Return the open cohorts the learner is enrolled in, the one whose pace they see first."""
    return db.session.scalars(_in_pace_order(user_id, Cohort)).all()


def current_cohort(user_id: int) -> Cohort | None:
    """Return the learner's open cohort whose pace the course map shows (see :func:`open_cohorts_of`)."""
    cohorts = open_cohorts_of(user_id)
    return cohorts[0] if cohorts else None


def open_cohort_ids(user_id: int) -> list[int]:
    """Return the ids of every open cohort of the learner, in :func:`open_cohorts_of`'s order, in one light query.

    A learner's action counts for all of them: each one's alerts are refreshed.
    """
    return list(db.session.scalars(_in_pace_order(user_id, Cohort.id)))


def pace_cohort_columns(user_id: int) -> tuple:
    """Return two SQL values: the learner's open cohort whose pace they see, and how many open cohorts they have.

    Returned by a statement written anyway (the learner's summary row at each action), they spare
    the action a query of its own: one cohort or none is the rule, several the exception.
    """
    first = _in_pace_order(user_id, Cohort.id).limit(1).scalar_subquery()
    count = _open_cohorts(user_id, func.count()).scalar_subquery()
    return first, count


def current_cohort_id(user_id: int) -> int | None:
    """Return the id of the learner's open cohort whose pace they see (see :func:`current_cohort`)."""
    ids = open_cohort_ids(user_id)
    return ids[0] if ids else None


def get_or_create_cohort(name: str, start_date: date, end_date: date) -> Cohort:
    """Return the cohort called ``name``, creating it with these dates if needed."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = Cohort(name=name, start_date=start_date, end_date=end_date)
        db.session.add(cohort)
        db.session.flush()
    return cohort


def enrol(cohort: Cohort, user: UserRef) -> None:
    """Enrol ``user`` in ``cohort`` (nothing happens if already enrolled)."""
    exists = db.session.scalar(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id))
    if exists is None:
        db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def assign_tutor(cohort: Cohort, user: UserRef) -> None:
    """Make ``user`` a tutor of ``cohort`` (nothing happens if already one)."""
    exists = db.session.scalar(select(CohortTutor.id).where(CohortTutor.cohort_id == cohort.id, CohortTutor.user_id == user.id))
    if exists is None:
        db.session.add(CohortTutor(cohort_id=cohort.id, user_id=user.id))
        db.session.flush()


def cohorts_of_tutor(user_id: int) -> list[Cohort]:
    """Return the cohorts a tutor follows, newest first."""
    return list(
        db.session.scalars(
            select(Cohort).join(CohortTutor, CohortTutor.cohort_id == Cohort.id).where(CohortTutor.user_id == user_id).order_by(Cohort.start_date.desc())
        )
    )


class CohortError(ValueError):
    """A cohort operation was refused; the message is meant for the admin who asked."""


THRESHOLD_FIELDS = ("not_started_days", "behind_days", "at_risk_days", "inactive_days", "struggling_failures", "review_days")


def create_cohort(name: str, start_date: date, end_date: date, thresholds: dict[str, int], *, sends_reminders: bool = True) -> Cohort:
    """Create a cohort with its dates, alert thresholds and whether alerts send automatic reminders.

    :raise CohortError: if the name is taken or the dates are in the wrong order.
    """
    if end_date <= start_date:
        raise CohortError(_("La date de fin doit suivre la date de début."))
    if db.session.scalar(select(Cohort.id).where(Cohort.name == name.strip())) is not None:
        raise CohortError(_("Une cohorte s'appelle déjà « %(name)s ».", name=name.strip()))
    cohort = Cohort(
        name=name.strip(), start_date=start_date, end_date=end_date, sends_reminders=sends_reminders, **{k: thresholds[k] for k in THRESHOLD_FIELDS}
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def _account_with_role(email: str, role: Role, refusal: str) -> User:
    """``refusal`` says, with ``%(email)s``, that the account lacks ``role`` (one message per role, so each translates whole)."""
    user = find_user_by_email(email)
    if user is None:
        raise CohortError(_("Aucun compte pour %(email)s : créez-le d'abord (Administration › Créer un compte, ou un fichier à importer).", email=email.strip()))
    if not user.has_role(role):
        raise CohortError(refusal % {"email": user.email})
    return user


def enrol_by_email(cohort: Cohort, email: str) -> User:
    """Enrol the learner signed in with ``email``.

    :raise CohortError: for an unknown address or an account without the learner role.
    """
    user = _account_with_role(email, Role.LEARNER, _("%(email)s n'a pas le rôle apprenant."))
    enrol(cohort, user)
    return user


def assign_tutor_by_email(cohort: Cohort, email: str) -> User:
    """Make the tutor signed in with ``email`` a tutor of ``cohort``.

    :raise CohortError: for an unknown address or an account without the tutor role.
    """
    user = _account_with_role(email, Role.TUTOR, _("%(email)s n'a pas le rôle tuteur."))
    assign_tutor(cohort, user)
    return user


def unenrol(cohort_id: int, user_id: int) -> None:
    """Take a learner out of a cohort: their work is kept (it is theirs, not the cohort's), they
    leave its figures and its alerts close.

    :raise CohortError: if they are not enrolled in it.
    """
    removed = db.session.execute(delete(Enrolment).where(Enrolment.cohort_id == cohort_id, Enrolment.user_id == user_id))
    if removed.rowcount != 1:
        raise CohortError(_("Cet apprenant n'est pas inscrit dans cette cohorte."))
    enrolment_ended.send(cohort_id, user_id=user_id)


def move_learner(from_cohort_id: int, to_cohort: Cohort, user_id: int) -> None:
    """Move a learner to another open cohort; their work follows them (it was never the cohort's).

    :raise CohortError: if they are not in the first cohort, or the second one is closed or the same.
    """
    if to_cohort.id == from_cohort_id:
        raise CohortError(_("Choisissez une autre cohorte que celle où l'apprenant est déjà."))
    if to_cohort.is_closed:
        raise CohortError(_("La cohorte « %(name)s » est close.", name=to_cohort.name))
    unenrol(from_cohort_id, user_id)
    enrol(to_cohort, SimpleNamespace(id=user_id))


def update_cohort(cohort: Cohort, name: str, start_date: date, end_date: date, thresholds: dict[str, int], *, sends_reminders: bool) -> None:
    """Change a cohort's name, dates, thresholds and reminders; the pace and the alerts follow at their next run.

    :raise CohortError: if the name is another cohort's or the dates are in the wrong order.
    """
    if end_date <= start_date:
        raise CohortError(_("La date de fin doit suivre la date de début."))
    taken = db.session.scalar(select(Cohort.id).where(Cohort.name == name.strip(), Cohort.id != cohort.id))
    if taken is not None:
        raise CohortError(_("Une cohorte s'appelle déjà « %(name)s ».", name=name.strip()))
    cohort.name, cohort.start_date, cohort.end_date, cohort.sends_reminders = name.strip(), start_date, end_date, sends_reminders
    for key in THRESHOLD_FIELDS:
        setattr(cohort, key, thresholds[key])
    db.session.flush()


def close_cohort(cohort: Cohort) -> None:
    """Close a cohort: its learners no longer count it as their current cohort."""
    cohort.is_closed = True
    db.session.flush()


def all_cohorts() -> list[Cohort]:
    """Return every cohort, open ones first, newest first."""
    return list(db.session.scalars(select(Cohort).order_by(Cohort.is_closed, Cohort.start_date.desc())))


def cohort_learners(cohort_id: int):
    """Return a select of a cohort's learners, by email (the caller paginates: a cohort may be large)."""
    return select(User).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.cohort_id == cohort_id).order_by(User.email)


def cohort_tutors(cohort_id: int) -> list[User]:
    """Return a cohort's tutors, by email."""
    return list(db.session.scalars(select(User).join(CohortTutor, CohortTutor.user_id == User.id).where(CohortTutor.cohort_id == cohort_id).order_by(User.email)))


@dataclass(frozen=True)
class CsvProblem:
    """One bad line of an enrolment file."""

    line: int
    reason: str


class CsvInvalid(CohortError):
    """An enrolment file has bad lines; nobody was enrolled."""

    def __init__(self, problems: list[CsvProblem]):
        super().__init__(
            ngettext(
                "%(num)d ligne à corriger : personne n'a été inscrit.",
                "%(num)d lignes à corriger : personne n'a été inscrit.",
                len(problems),
            )
        )
        self.problems = problems


_HEADERS = {"email", "e-mail", "courriel", "adresse e-mail"}


def check_enrolment_csv(text: str) -> tuple[list[User], list[CsvProblem]]:
    """Read a CSV with one learner's email per line (first column; an optional header line).

    :return: the learners to enrol and every bad line with its reason.
    """
    rows = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        email = row[0].strip().lower() if row else ""
        if email and not (line == 1 and email in _HEADERS):
            rows.append((line, email))
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_([e for _, e in rows])))} if rows else {}
    learners, problems, seen = [], [], {}
    for line, email in rows:
        user = users.get(email)
        if "@" not in email:
            problems.append(CsvProblem(line, _("adresse e-mail invalide : %(email)s", email=email)))
        elif email in seen:
            problems.append(CsvProblem(line, _("%(email)s figure déjà ligne %(line)d", email=email, line=seen[email])))
        elif user is None:
            problems.append(CsvProblem(line, _("aucun compte pour %(email)s", email=email)))
        elif not user.has_role(Role.LEARNER):
            problems.append(CsvProblem(line, _("%(email)s n'a pas le rôle apprenant", email=email)))
        else:
            learners.append(user)
        seen.setdefault(email, line)
    if not rows:
        problems.append(CsvProblem(1, _("le fichier ne contient aucune adresse")))
    return learners, problems


def enrol_from_csv(cohort: Cohort, text: str) -> list[User]:
    """Enrol every learner of the file, or nobody if any line is bad.

    :raise CsvInvalid: listing every bad line.
    """
    learners, problems = check_enrolment_csv(text)
    if problems:
        raise CsvInvalid(problems)
    for user in learners:
        enrol(cohort, user)
    return learners
