"""The learner's standing copied onto each of their enrolments, kept by database triggers.

The tutor's table counts, filters, sorts and pages a cohort's learners in SQL; at 100,000
learners that is only fast when every column it reads sits on the enrolment row, behind an index
that starts with the cohort (a join per learner to the progress, consent and account rows costs
more than the whole page may take). So :class:`~app.cohorts.models.Enrolment` holds a copy of:

- the learner's summary row (:class:`~app.progress.models.LearnerProgress`): items done, first
  and last activity;
- their current consent (their latest :class:`~app.consent.models.ContactConsent` row);
- their name, lowered, as the table sorts and searches it.

Triggers keep the copies: they run inside the very statement that writes the source row, so no
writer (the learner's actions, a recount, an import, an anonymisation, a test fixture) can forget
them, and none adds a statement to the learner's requests. On PostgreSQL each trigger first takes
a transaction lock per learner (:data:`LOCK_NAMESPACE`), then reads in a statement of its own:
an enrolment created while the learner acts, or two consent changes at once, then see each
other's committed rows instead of a snapshot taken before them. SQLite writers take turns anyway.

The migration that created them holds its own copy of this SQL (migrations never import the app).
"""

from sqlalchemy import event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

#: A learner's items done, from their summary row ``{p}``: readings read, quizzes passed, activities validated.
ITEMS_DONE_SQL = "{p}.readings_completed + {p}.quizzes_passed + {p}.activities_validated"

#: Advisory lock namespace of the triggers (PostgreSQL), one key per learner.
LOCK_NAMESPACE = 7_411

#: SQLite's ``lower()`` folds ASCII only: the capitals of French names are folded first, so that
#: « Élodie » sorts and is found as « élodie », as Python's ``str.lower`` does.
_FRENCH_CAPITALS = "ÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ"


def name_key_sql(dialect: str, value: str) -> str:
    """Return the SQL expression that lowers the name ``value`` (an SQL expression) on ``dialect``."""
    if dialect == "postgresql":
        return f"lower({value})"
    for capital in _FRENCH_CAPITALS:
        value = f"replace({value}, '{capital}', '{capital.lower()}')"
    return f"lower({value})"


_CURRENT_CONSENT = (
    "coalesce((SELECT c.is_given FROM contact_consent AS c WHERE c.user_id = {user} ORDER BY c.changed_dt DESC, c.id DESC LIMIT 1), FALSE)"
)


def standing_of(dialect: str, user: str) -> str:
    """Return the SET clause that gives an enrolment of learner ``user`` (an SQL reference) its copies."""
    progress = "FROM learner_progress AS p WHERE p.user_id = " + user
    return (
        f"items_done = coalesce((SELECT {ITEMS_DONE_SQL.format(p='p')} {progress}), 0), "
        f"first_activity_dt = (SELECT p.first_activity_dt {progress}), "
        f"last_activity_dt = (SELECT p.last_activity_dt {progress}), "
        f"is_contactable = {_CURRENT_CONSENT.format(user=user)}, "
        f'name_key = (SELECT {name_key_sql(dialect, "u.display_name")} FROM "user" AS u WHERE u.id = {user})'
    )


def _triggers(dialect: str) -> list[tuple[str, str, str, str, str]]:
    """Return (name, event, table, learner, body) of every trigger.

    ``learner`` is the SQL reference to the learner the change is about; ``body`` is one SQL
    statement ending in ``;``.
    """
    progress = (
        f"UPDATE enrolment SET items_done = {ITEMS_DONE_SQL.format(p='NEW')}, first_activity_dt = NEW.first_activity_dt, "
        "last_activity_dt = NEW.last_activity_dt WHERE user_id = NEW.user_id;"
    )
    consent = "UPDATE enrolment SET is_contactable = " + _CURRENT_CONSENT + " WHERE user_id = {user};"
    enrolled = "UPDATE enrolment SET " + standing_of(dialect, "NEW.user_id") + " WHERE id = NEW.id;"
    return [
        ("enrolment_mirror_progress_insert", "AFTER INSERT", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_progress_update", "AFTER UPDATE", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_progress_delete", "AFTER DELETE", "learner_progress", "OLD.user_id",
         "UPDATE enrolment SET items_done = 0, first_activity_dt = NULL, last_activity_dt = NULL WHERE user_id = OLD.user_id;"),
        ("enrolment_mirror_consent_insert", "AFTER INSERT", "contact_consent", "NEW.user_id", consent.format(user="NEW.user_id")),
        ("enrolment_mirror_consent_update", "AFTER UPDATE", "contact_consent", "NEW.user_id", consent.format(user="NEW.user_id")),
        ("enrolment_mirror_consent_delete", "AFTER DELETE", "contact_consent", "OLD.user_id", consent.format(user="OLD.user_id")),
        ("enrolment_mirror_name", "AFTER UPDATE OF display_name", "user", "NEW.id",
         "UPDATE enrolment SET name_key = " + name_key_sql(dialect, "NEW.display_name") + " WHERE user_id = NEW.id;"),
        ("enrolment_mirror_enrolled", "AFTER INSERT", "enrolment", "NEW.user_id", enrolled),
    ]  # fmt: skip


def create_statements(dialect: str) -> list[str]:
    """Return the DDL that creates every trigger on ``dialect`` (``sqlite`` or ``postgresql``)."""
    statements = []
    for name, when, table, learner, body in _triggers(dialect):
        if dialect == "postgresql":
            lock = f"PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, {learner});"
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock} {body} RETURN NULL; END $$"
            )
            statements.append(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()')
        else:
            statements.append(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW BEGIN {body} END')
    return statements


def drop_statements(dialect: str) -> list[str]:
    """Return the DDL that drops every trigger (and its function on PostgreSQL)."""
    statements = []
    for name, _when, table, _learner, _body in _triggers(dialect):
        if dialect == "postgresql":
            statements += [f'DROP TRIGGER IF EXISTS {name} ON "{table}"', f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


def install(metadata) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates the tables (tests, benchmarks)."""

    @event.listens_for(metadata, "after_create")
    def _create_triggers(target, connection, **kw) -> None:
        for statement in create_statements(connection.dialect.name):
            connection.exec_driver_sql(statement)


@compiles(CreateIndex, "sqlite")
def _create_index_sqlite(create, compiler, **kw) -> str:
    """Create an index ``ASC NULLS FIRST`` as plain ``ASC`` on SQLite: its order already, and the only one it accepts.

    PostgreSQL puts NULLs last in ascending order: its index must say NULLS FIRST for the table's
    "last activity" order (never active first, as the least recent).
    """
    return compiler.visit_create_index(create, **kw).replace(" ASC NULLS FIRST", "")
