"""Issue 10: two-factor sign-in (TOTP secret, recovery codes) and the identity provider's subject

Revision ID: d4a9f2c81e37
Revises: b7c1e0a4d2f9
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a9f2c81e37'
down_revision = 'b7c1e0a4d2f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_dt', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=400), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_sso_subject'), ['sso_subject'])
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_dt', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_sso_subject'), type_='unique')
        batch_op.drop_column('sso_subject')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_dt')
        batch_op.drop_column('totp_secret')
