"""Issue 10: people: given and family names, single-use links (invitations, password resets)

Revision ID: b7c1e0a4d2f9
Revises: 1677f1b25459
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e0a4d2f9'
down_revision = '1677f1b25459'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('last_name', sa.String(length=80), server_default='', nullable=False))
    op.create_table(
        'account_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.Column('expires_dt', sa.DateTime(), nullable=False),
        sa.Column('used_dt', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_token_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash')),
    )
    op.create_index('ix_account_token_user_purpose', 'account_token', ['user_id', 'purpose'], unique=False)


def downgrade():
    op.drop_index('ix_account_token_user_purpose', table_name='account_token')
    op.drop_table('account_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_name')
        batch_op.drop_column('first_name')
