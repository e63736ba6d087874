"""Issue 9: truth cohorts locale

Revision ID: 1677f1b25459
Revises: 3fc682207ed0
Create Date: 2026-12-02 03:04:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1677f1b25459'
down_revision = '3fc682207ed0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
