"""The currency of a procurement limit

The EU thresholds for 2026-2027 are kept in euros until their official kronor values can be
sourced (issue 17, item 6): each limit row says whether its amount is in kronor (SEK, the
default for the existing rows) or euros (EUR).

Revision ID: b3d9e2f41c07
Revises: 85f3460a619a
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d9e2f41c07'
down_revision = '85f3460a619a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('procurement_limit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), server_default='SEK', nullable=False))


def downgrade():
    with op.batch_alter_table('procurement_limit', schema=None) as batch_op:
        batch_op.drop_column('currency')
