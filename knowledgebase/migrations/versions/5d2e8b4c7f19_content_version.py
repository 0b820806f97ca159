"""content version: a counter every change of public content bumps

Revision ID: 5d2e8b4c7f19
Revises: 5e1d2a9c7b40
Create Date: 2026-12-06 00:50:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '5d2e8b4c7f19'
down_revision = '5e1d2a9c7b40'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )
    op.bulk_insert(table, [{"id": 1, "version": 1, "changed_at": datetime.now(timezone.utc)}])


def downgrade():
    op.drop_table('content_version')
