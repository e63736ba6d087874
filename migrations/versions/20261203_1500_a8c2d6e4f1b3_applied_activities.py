"""Issue 12: applied activities (a course item reviewed by the tutor) and the learners' answers; a validated activity counts as an item done

The mirror triggers that copy items done onto each enrolment are recreated with the new count (a
copy of app/cohorts/mirror.py's SQL as of this revision: migrations never import the app).

Revision ID: a8c2d6e4f1b3
Revises: 5c3e8f1a7b20
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8c2d6e4f1b3'
down_revision = '5c3e8f1a7b20'
branch_labels = None
depends_on = None

LOCK_NAMESPACE = 7411
FRENCH_CAPITALS = "ÀÂÄÆÇÉÈÊËÎÏÔÖŒÙÛÜŸ"
CURRENT_CONSENT = (
    "coalesce((SELECT c.is_given FROM contact_consent AS c WHERE c.user_id = {user} ORDER BY c.changed_dt DESC, c.id DESC LIMIT 1), FALSE)"
)
ITEMS_DONE = {
    "before": "{p}.readings_completed + {p}.quizzes_passed",
    "after": "{p}.readings_completed + {p}.quizzes_passed + {p}.activities_validated",
}


def lowered(dialect, value):
    if dialect == "postgresql":
        return f"lower({value})"
    for capital in FRENCH_CAPITALS:
        value = f"replace({value}, '{capital}', '{capital.lower()}')"
    return f"lower({value})"


def triggers(dialect, done):
    """The mirror triggers whose SQL counts items done, with the count ``done``."""
    progress = (
        f"UPDATE enrolment SET items_done = {done.format(p='NEW')}, first_activity_dt = NEW.first_activity_dt, "
        "last_activity_dt = NEW.last_activity_dt WHERE user_id = NEW.user_id;"
    )
    source = "FROM learner_progress AS p WHERE p.user_id = NEW.user_id"
    enrolled = (
        f"UPDATE enrolment SET items_done = coalesce((SELECT {done.format(p='p')} {source}), 0), "
        f"first_activity_dt = (SELECT p.first_activity_dt {source}), "
        f"last_activity_dt = (SELECT p.last_activity_dt {source}), "
        f"is_contactable = {CURRENT_CONSENT.format(user='NEW.user_id')}, "
        f'name_key = (SELECT {lowered(dialect, "u.display_name")} FROM "user" AS u WHERE u.id = NEW.user_id) WHERE id = NEW.id;'
    )
    return [
        ("enrolment_mirror_progress_insert", "AFTER INSERT", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_progress_update", "AFTER UPDATE", "learner_progress", "NEW.user_id", progress),
        ("enrolment_mirror_enrolled", "AFTER INSERT", "enrolment", "NEW.user_id", enrolled),
    ]


def replace_triggers(dialect, done):
    for name, when, table, learner, body in triggers(dialect, done):
        if dialect == "postgresql":
            lock = f"PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, {learner});"
            # CREATE OR REPLACE keeps the trigger that calls the function.
            op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {lock} {body} RETURN NULL; END $$")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f'CREATE TRIGGER {name} {when} ON "{table}" FOR EACH ROW BEGIN {body} END')


def drop_sqlite_triggers():
    """SQLite rebuilds a table to drop a column: the triggers that name it must go first."""
    for name, *_rest in triggers("sqlite", ITEMS_DONE["before"]):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=False),
    sa.Column('source_first_line', sa.Integer(), nullable=False),
    sa.Column('source_last_line', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('brief_html', sa.Text(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('accepts_file', sa.Boolean(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_activity_module_id_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('slug', name=op.f('uq_activity_slug'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_module_id'), ['module_id'], unique=False)
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_type', sa.String(length=100), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('file_data', sa.LargeBinary(), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.Column('submitted_dt', sa.DateTime(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('reviewed_dt', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_submission_activity_id_activity')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_submission_reviewer_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_submission_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('activity_id', 'user_id', 'version', name=op.f('uq_submission_activity_id_user_id_version'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_status_time', ['status', 'submitted_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_user_id'), ['user_id'], unique=False)
    # A plain ADD COLUMN on both engines: SQLite keeps the table, and its triggers, as they are.
    op.add_column('learner_progress', sa.Column('activities_validated', sa.Integer(), server_default='0', nullable=False))
    replace_triggers(dialect, ITEMS_DONE["after"])


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        drop_sqlite_triggers()
    with op.batch_alter_table('learner_progress', schema=None) as batch_op:
        batch_op.drop_column('activities_validated')
    replace_triggers(dialect, ITEMS_DONE["before"])
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_user_id'))
        batch_op.drop_index('ix_submission_status_time')
    op.drop_table('submission')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_module_id'))
    op.drop_table('activity')
