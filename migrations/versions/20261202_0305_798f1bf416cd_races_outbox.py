"""Issue 9: races outbox

Revision ID: 798f1bf416cd
Revises: 1677f1b25459
Create Date: 2026-12-02 03:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '798f1bf416cd'
down_revision = '1677f1b25459'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
