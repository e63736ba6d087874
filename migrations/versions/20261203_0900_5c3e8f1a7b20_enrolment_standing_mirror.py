"""Issue 11: each enrolment carries the learner's standing (items done, activity, consent, name) for the tutor's table, kept by triggers

The tutor's table then counts, filters, sorts and pages in SQL on the enrolment rows alone, each
sort behind an index starting with the cohort; the alerts not settled get an index of their own. A copy of app/cohorts/mirror.py's SQL as of this
revision (migrations never import the app).

Revision ID: 5c3e8f1a7b20
Revises: d4a9f2c81e37
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c3e8f1a7b20'
down_revision = 'd4a9f2c81e37'
branch_labels = None
depends_on = None

LOCK_NAMESPACE = 7411
FRENCH_CAPITALS = "ÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ"
CURRENT_CONSENT = (
    "coalesce((SELECT c.is_given FROM contact_consent AS c WHERE c.user_id = {user} ORDER BY c.changed_dt DESC, c.id DESC LIMIT 1), FALSE)"
)


def lowered(dialect, value):
    """SQLite's lower() folds ASCII only: fold the capitals of French names first."""
    if dialect == "postgresql":
        return f"lower({value})"
    for capital in FRENCH_CAPITALS:
        value = f"replace({value}, '{capital}', '{capital.lower()}')"
    return f"lower({value})"


def standing_of(dialect, user):
    """SET clause giving an enrolment of learner ``user`` (an SQL reference) its copies."""
    progress = "FROM learner_progress AS p WHERE p.user_id = " + user
    return (
        f"items_done = coalesce((SELECT p.readings_completed + p.quizzes_passed {progress}), 0), "
        f"first_activity_dt = (SELECT p.first_activity_dt {progress}), "
        f"last_activity_dt = (SELECT p.last_activity_dt {progress}), "
        f"is_contactable = {CURRENT_CONSENT.format(user=user)}, "
        f'name_key = (SELECT {lowered(dialect, "u.display_name")} FROM "user" AS u WHERE u.id = {user})'
    )


def triggers(dialect):
    progress = (
        "UPDATE enrolment SET items_done = NEW.readings_completed + NEW.quizzes_passed, first_activity_dt = NEW.first_activity_dt, "
        "last_activity_dt = NEW.last_activity_dt WHERE user_id = NEW.user_id;"
    )
    consent = "UPDATE enrolment SET is_contactable = " + CURRENT_CONSENT + " WHERE user_id = {user};"
    return [
        ("enrolment_mirror_progress_insert", "AFTER INSERT", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_progress_update", "AFTER UPDATE", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_progress_delete", "AFTER DELETE", "learner_progress", "OLD.user_id",
         "UPDATE enrolment SET items_done = 0, first_activity_dt = NULL, last_activity_dt = NULL WHERE user_id = OLD.user_id;"),
        ("enrolment_mirror_consent_insert", "AFTER INSERT", "contact_consent", "NEW.user_id", consent.format(user="NEW.user_id")),
        ("enrolment_mirror_consent_update", "AFTER UPDATE", "contact_consent", "NEW.user_id", consent.format(user="NEW.user_id")),
        ("enrolment_mirror_consent_delete", "AFTER DELETE", "contact_consent", "OLD.user_id", consent.format(user="OLD.user_id")),
        ("enrolment_mirror_name", "AFTER UPDATE OF display_name", "user", "NEW.id",
         "UPDATE enrolment SET name_key = " + lowered(dialect, "NEW.display_name") + " WHERE user_id = NEW.id;"),
        ("enrolment_mirror_enrolled", "AFTER INSERT", "enrolment", "NEW.user_id",
         "UPDATE enrolment SET " + standing_of(dialect, "NEW.user_id") + " WHERE id = NEW.id;"),
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('items_done', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('first_activity_dt', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_activity_dt', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('is_contactable', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('name_key', sa.String(length=120), server_default='', nullable=False))
    op.execute("UPDATE enrolment SET " + standing_of(dialect, "enrolment.user_id"))
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_cohort_done', ['cohort_id', 'items_done', 'name_key', 'user_id', 'last_activity_dt', 'first_activity_dt', 'is_contactable'], unique=False)
        batch_op.create_index('ix_enrolment_cohort_name', ['cohort_id', 'name_key', 'user_id'], unique=False)
    # Never active first in last-activity order: PostgreSQL must be told, SQLite does it anyway.
    nulls_first = " NULLS FIRST" if dialect == "postgresql" else ""
    op.execute(f"CREATE INDEX ix_enrolment_cohort_activity ON enrolment (cohort_id, last_activity_dt ASC{nulls_first}, name_key, user_id)")
    unsettled = sa.text("closed_dt IS NULL AND resolved_dt IS NULL")
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_unsettled', ['cohort_id', 'user_id', 'snoozed_until'], unique=False, sqlite_where=unsettled, postgresql_where=unsettled)
    for name, when, table, learner, body in triggers(dialect):
        if dialect == "postgresql":
            lock = f"PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, {learner});"
            op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock} {body} RETURN NULL; END $$")
            op.execute(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()')
        else:
            op.execute(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW BEGIN {body} END')


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _when, table, _learner, _body in triggers(dialect):
        if dialect == "postgresql":
            op.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_unsettled')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolment_cohort_activity')
        batch_op.drop_index('ix_enrolment_cohort_name')
        batch_op.drop_index('ix_enrolment_cohort_done')
        batch_op.drop_column('name_key')
        batch_op.drop_column('is_contactable')
        batch_op.drop_column('last_activity_dt')
        batch_op.drop_column('first_activity_dt')
        batch_op.drop_column('items_done')
