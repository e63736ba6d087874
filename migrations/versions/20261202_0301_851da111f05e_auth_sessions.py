"""Issue 9: auth sessions (a session version per account) and the failed sign-ins the limit counts

Revision ID: 851da111f05e
Revises: 6678ff9382ed
Create Date: 2026-12-02 03:01:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '851da111f05e'
down_revision = '6678ff9382ed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_created_dt'), ['created_dt'], unique=False)
        batch_op.create_index('ix_login_attempt_address_time', ['address', 'created_dt'], unique=False)
        batch_op.create_index('ix_login_attempt_email_time', ['email', 'created_dt'], unique=False)


def downgrade():
    op.drop_table('login_attempt')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
