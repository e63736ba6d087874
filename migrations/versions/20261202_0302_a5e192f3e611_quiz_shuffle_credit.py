"""Issue 9: quiz shuffle credit

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
    pass


def downgrade():
    pass
