"""Issue 12: each cohort says after how many days an answer waiting for the tutor's review is an alert

Revision ID: c3e7a9b5d2f4
Revises: a8c2d6e4f1b3
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e7a9b5d2f4'
down_revision = 'a8c2d6e4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cohort', sa.Column('review_days', sa.Integer(), server_default='3', nullable=False))


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('review_days')
