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
    pass


def downgrade():
    pass
