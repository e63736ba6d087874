"""Issue 9: quiz shuffle credit

Quiz settings ``shuffle_options`` (on) and ``partial_credit`` (off); each answer keeps the order
its options were shown in and the share of a point it earned.

Revision ID: a5e192f3e611
Revises: 851da111f05e
Create Date: 2026-12-02 03:02:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5e192f3e611'
down_revision = '851da111f05e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shuffle_options', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('partial_credit', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('attempt_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_order', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('credit', sa.Float(), nullable=False, server_default='0'))
    # Past answers were graded all or nothing: a right one earned the whole point.
    op.execute(sa.text("UPDATE attempt_answer SET credit = 1 WHERE is_correct"))


def downgrade():
    with op.batch_alter_table('attempt_answer', schema=None) as batch_op:
        batch_op.drop_column('credit')
        batch_op.drop_column('shown_order')
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('partial_credit')
        batch_op.drop_column('shuffle_options')
