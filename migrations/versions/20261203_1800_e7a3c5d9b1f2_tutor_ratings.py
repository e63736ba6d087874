"""Issue 12: learners rate their tutor (helpfulness, clarity, a comment), one rating per learner and tutor

Revision ID: e7a3c5d9b1f2
Revises: d5f1b8c3a9e6
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3c5d9b1f2'
down_revision = 'd5f1b8c3a9e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tutor_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('tutor_id', sa.Integer(), nullable=False),
    sa.Column('helpfulness', sa.Integer(), nullable=False),
    sa.Column('clarity', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.CheckConstraint('helpfulness BETWEEN 1 AND 5', name=op.f('ck_tutor_rating_helpfulness_range')),
    sa.CheckConstraint('clarity BETWEEN 1 AND 5', name=op.f('ck_tutor_rating_clarity_range')),
    sa.ForeignKeyConstraint(['learner_id'], ['user.id'], name=op.f('fk_tutor_rating_learner_id_user')),
    sa.ForeignKeyConstraint(['tutor_id'], ['user.id'], name=op.f('fk_tutor_rating_tutor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tutor_rating')),
    sa.UniqueConstraint('learner_id', 'tutor_id', name=op.f('uq_tutor_rating_learner_id_tutor_id'))
    )
    with op.batch_alter_table('tutor_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tutor_rating_tutor_id'), ['tutor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('tutor_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tutor_rating_tutor_id'))
    op.drop_table('tutor_rating')
