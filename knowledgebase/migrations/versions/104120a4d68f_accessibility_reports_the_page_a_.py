"""Accessibility reports: the page a problem is on

Suggestions gain a third kind, an accessibility problem reported from the accessibility
statement, with the address of the page it is on. Existing rows get an empty address.

Revision ID: 104120a4d68f
Revises: 6cb47739672d
Create Date: 2026-11-29 12:31:45.374023

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '104120a4d68f'
down_revision = '6cb47739672d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_url', sa.String(length=500), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_column('page_url')

