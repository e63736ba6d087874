"""Issue 9: auth sessions

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
    pass


def downgrade():
    pass
