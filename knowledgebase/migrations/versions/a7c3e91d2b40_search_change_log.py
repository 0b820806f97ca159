"""search change log and nodes (replaces the retry queue)

Revision ID: a7c3e91d2b40
Revises: 064bdd382214
Create Date: 2026-12-06 00:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e91d2b40'
down_revision = '064bdd382214'
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table('search_changes',
    sa.Column('seq', SEQ, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_changes')),
    sqlite_autoincrement=True,
    )
    op.create_table('search_nodes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('position', SEQ, nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_nodes'))
    )
    # Entries waiting in the old retry queue go into the log, so no node misses them.
    op.execute("INSERT INTO search_changes (kind, entry_id, changed_at) "
               "SELECT 'entry', entry_id, queued_at FROM search_queue ORDER BY id")
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_queue_entry_id'))
    op.drop_table('search_queue')


def downgrade():
    op.create_table('search_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queue'))
    )
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_queue_entry_id'), ['entry_id'], unique=False)
    op.drop_table('search_nodes')
    op.drop_table('search_changes')
