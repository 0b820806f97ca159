"""Index entry slugs

A query of one content type by slug (Enterprise.slug == …) joins the subtype's table and has
no type in it, so the unique (type, slug) index could not serve it: SQLite scanned every
entry (a detail page, an import's look-up of existing entries).

Revision ID: 064bdd382214
Revises: 104120a4d68f
Create Date: 2026-11-29 14:00:00.807139

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '064bdd382214'
down_revision = '104120a4d68f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_slug'), ['slug'], unique=False)



def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_slug'))

