"""Bulk import of people from a CSV file: ``email;prenom;nom;roles;cohorte``.

The file is checked whole first (the preview lists every bad line with its reason), then applied
all or nothing: new accounts are created (invited if asked), existing ones updated (their names,
and the roles of the file added to theirs: an import never takes a role away), and each person
enrolled in the cohort of their line if asked. The work is a handful of statements per thousand
lines, so that a file of ten thousand people imports in seconds.
"""

import csv
import io
import re
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from app.accounts.emails import Addressee
from app.accounts.emails import send_links
from app.accounts.models import TokenPurpose
from app.auth.models import NO_PASSWORD
from app.auth.models import Role
from app.auth.models import User
from app.auth.models import full_name_of
from app.auth.services import looks_like_email
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.extensions import db

#: The columns, in their order; the first line may name them.
COLUMNS = ("email", "prenom", "nom", "roles", "cohorte")
#: Role names a file may use, in French or in English.
ROLE_NAMES = {
    "apprenant": Role.LEARNER, "learner": Role.LEARNER, "tuteur": Role.TUTOR, "tutor": Role.TUTOR,
    "auteur": Role.AUTHOR, "author": Role.AUTHOR, "administrateur": Role.ADMIN, "admin": Role.ADMIN,
}
#: Between the roles of one cell.
_ROLE_SEPARATORS = re.compile(r"[|+/\s]+")
#: Rows per statement, under every engine's limit on bound parameters.
CHUNK = 500
NAME_LENGTH = User.__table__.c.first_name.type.length
#: What the template file holds.
TEMPLATE = "email;prenom;nom;roles;cohorte\ncamille.martin@example.org;Camille;Martin;apprenant;Cohorte de janvier\nsam.durand@example.org;Sam;Durand;tuteur|apprenant;\n"


@dataclass(frozen=True)
class Problem:
    """One bad line of the file."""

    line: int
    reason: str


@dataclass(frozen=True)
class Person:
    """One good line of the file."""

    line: int
    email: str
    first_name: str
    last_name: str
    roles: Role
    cohort_id: int | None
    #: The existing account of that address, if any.
    user_id: int | None = None


@dataclass
class ImportPlan:
    """What applying the file would do, or why it cannot be applied."""

    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cohort_names: dict[int, str] = field(default_factory=dict)

    @property
    def new(self) -> list[Person]:
        return [p for p in self.people if p.user_id is None]

    @property
    def existing(self) -> list[Person]:
        return [p for p in self.people if p.user_id is not None]


@dataclass(frozen=True)
class ImportReport:
    """What applying the file did."""

    created: int
    updated: int
    enrolled: int
    invited: int


#: What the first cell of a header line may say.
HEADER_NAMES = frozenset({"email", "e-mail", "courriel", "adresse"})
#: How much of the file the separator is guessed from.
SAMPLE = 8192


def _delimiter(text: str) -> str:
    """Guess the separator, ``;`` or ``,`` (the standard library's sniffer; ``;`` for a one-column file)."""
    try:
        return csv.Sniffer().sniff(text[:SAMPLE], delimiters=";,").delimiter
    except csv.Error:
        return ";"


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """Split the file into numbered rows without blank ones; a first line naming the columns is left out."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows = [(reader.line_num, cells) for cells in ([cell.strip() for cell in row] for row in reader) if any(cells)]
    if rows and rows[0][1][0].lower() in HEADER_NAMES:
        return rows[1:]
    return rows


def _roles(cell: str) -> Role | str:
    """Return the roles of a cell (learner when empty), or the first unknown name."""
    roles = Role(0)
    for name in filter(None, _ROLE_SEPARATORS.split(cell.lower())):
        if name not in ROLE_NAMES:
            return name
        roles |= ROLE_NAMES[name]
    return roles or Role.LEARNER


def _existing_accounts(emails: list[str]) -> dict[str, int]:
    found = {}
    for start in range(0, len(emails), CHUNK):
        found.update((row.email, row.id) for row in db.session.execute(select(User.email, User.id).where(User.email.in_(emails[start : start + CHUNK]))))
    return found


def _check_line(cells: list[str], cohorts: dict[str, int]) -> tuple[str, Role, int | None] | str:
    """Return the email, roles and cohort of a line, or the reason it is bad."""
    if len(cells) > len(COLUMNS):
        return _("%(count)d colonnes au lieu de 5 au plus (email;prenom;nom;roles;cohorte)", count=len(cells))
    email, first_name, last_name, role_cell, cohort_name = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
    email = email.lower()
    if not looks_like_email(email):
        return _("adresse e-mail invalide : « %(email)s »", email=email)
    if not first_name or not last_name:
        return _("prénom et nom sont obligatoires")
    if len(first_name) > NAME_LENGTH or len(last_name) > NAME_LENGTH:
        return _("prénom ou nom trop long (%(count)d caractères au plus)", count=NAME_LENGTH)
    roles = _roles(role_cell)
    if isinstance(roles, str):
        return _("rôle inconnu : « %(role)s » (apprenant, tuteur, auteur ou administrateur)", role=roles)
    if cohort_name and cohort_name not in cohorts:
        return _("aucune cohorte ouverte ne s'appelle « %(name)s »", name=cohort_name)
    if cohort_name and Role.LEARNER not in roles:
        return _("inscription dans une cohorte sans le rôle apprenant")
    return email, roles, cohorts.get(cohort_name)


def plan_import(text: str) -> ImportPlan:
    """Check every line of the file against the accounts and the open cohorts; change nothing."""
    plan = ImportPlan()
    cohorts = {row.name: row.id for row in db.session.execute(select(Cohort.name, Cohort.id).where(Cohort.is_closed.is_(False)))}
    plan.cohort_names = {cohort_id: name for name, cohort_id in cohorts.items()}
    seen: dict[str, int] = {}
    checked = []
    for line, cells in _rows(text):
        outcome = _check_line(cells, cohorts)
        if isinstance(outcome, str):
            plan.problems.append(Problem(line, outcome))
            continue
        email, roles, cohort_id = outcome
        if email in seen:
            plan.problems.append(Problem(line, _("%(email)s figure déjà ligne %(line)d", email=email, line=seen[email])))
            continue
        seen[email] = line
        checked.append((line, email, cells[1], cells[2], roles, cohort_id))
    if not checked and not plan.problems:
        plan.problems.append(Problem(1, _("le fichier ne contient personne")))
    existing = _existing_accounts([row[1] for row in checked])
    plan.people = [Person(line, email, first, last, roles, cohort_id, existing.get(email)) for line, email, first, last, roles, cohort_id in checked]
    return plan


def _create(people: list[Person]) -> dict[str, int]:
    """Insert the new accounts, without a password; return their ids by email."""
    if not people:
        return {}
    # The other columns (active, creation time, session version) take their defaults.
    rows = [
        {"email": p.email, "first_name": p.first_name, "last_name": p.last_name, "display_name": full_name_of(p.first_name, p.last_name),
         "roles": int(p.roles), "password_hash": NO_PASSWORD}
        for p in people
    ]
    db.session.execute(insert(User), rows)  # SQLAlchemy batches the rows itself
    return _existing_accounts([p.email for p in people])


def _update(people: list[Person]) -> None:
    """Give the existing accounts the names of the file, and add its roles to theirs."""
    if not people:
        return
    table = User.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("account_id"))
        .values(first_name=bindparam("first"), last_name=bindparam("last"), display_name=bindparam("shown"), roles=table.c.roles.op("|")(bindparam("added")))
    )
    rows = [{"account_id": p.user_id, "first": p.first_name, "last": p.last_name, "shown": full_name_of(p.first_name, p.last_name), "added": int(p.roles)} for p in people]
    db.session.execute(statement, rows)


def _enrol(pairs: list[tuple[int, int]]) -> int:
    """Enrol each (cohort, account) pair not enrolled yet; return how many were."""
    wanted = set(pairs)
    users = sorted({user for _cohort, user in wanted})
    already = set()
    for start in range(0, len(users), CHUNK):  # the enrolments these people already have, in any cohort
        rows = db.session.execute(select(Enrolment.cohort_id, Enrolment.user_id).where(Enrolment.user_id.in_(users[start : start + CHUNK])))
        already.update((row.cohort_id, row.user_id) for row in rows)
    new = [{"cohort_id": c, "user_id": u} for c, u in sorted(wanted - already)]
    if new:
        db.session.execute(insert(Enrolment), new)
    return len(new)


def apply_import(plan: ImportPlan, *, enrol: bool, invite: bool) -> ImportReport:
    """Apply a plan without problems (flushes, the caller commits: all or nothing).

    :param enrol: enrol each person in the cohort of their line.
    :param invite: send an invitation to each account created.
    :raise ValueError: if the plan has problems (check it again after any change).
    """
    if plan.problems:
        raise ValueError("the file has bad lines")
    created = _create(plan.new)
    _update(plan.existing)
    ids = {p.email: p.user_id or created[p.email] for p in plan.people}
    enrolled = _enrol([(p.cohort_id, ids[p.email]) for p in plan.people if p.cohort_id is not None]) if enrol else 0
    invited = send_links([Addressee(created[p.email], p.email, p.first_name) for p in plan.new], TokenPurpose.INVITATION) if invite else 0
    return ImportReport(created=len(created), updated=len(plan.existing), enrolled=enrolled, invited=invited)
