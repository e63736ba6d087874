"""Issue 9: truth cohorts locale: each account's language, the figures an alert was resolved at

Revision ID: 1677f1b25459
Revises: 3fc682207ed0
Create Date: 2026-12-02 03:04:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1677f1b25459'
down_revision = '3fc682207ed0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_figures', sa.JSON(), nullable=True))
    # Alerts handled before this release: their figures at resolution are the best we know.
    op.execute("UPDATE alert SET resolved_figures = figures WHERE resolved_dt IS NOT NULL")


def downgrade():
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('resolved_figures')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locale')
