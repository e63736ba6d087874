"""Issue 9: course import tracking

Revision ID: 3fc682207ed0
Revises: a5e192f3e611
Create Date: 2026-12-02 03:03:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3fc682207ed0'
down_revision = 'a5e192f3e611'
branch_labels = None
depends_on = None


def upgrade():
    # What the last `flask course import` left of each item, so the next one can tell what an
    # author changed since. Empty on an existing database: items with no row are judged from
    # their latest revision's origin (an import, or a browser publication/restore).
    op.create_table('imported_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_item'))
    )
    with op.batch_alter_table('imported_item', schema=None) as batch_op:
        batch_op.create_index('uq_imported_item', ['kind', 'key'], unique=True)


def downgrade():
    with op.batch_alter_table('imported_item', schema=None) as batch_op:
        batch_op.drop_index('uq_imported_item')
    op.drop_table('imported_item')
