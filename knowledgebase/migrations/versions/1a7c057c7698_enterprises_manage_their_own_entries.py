"""Enterprises manage their own entries: claim requests, managers, sign-in links

Issue 17, item 4: "Is this your enterprise?" requests, the grants advisers give, the
one-time sign-in links of the managers (hashed), and the likely duplicates found when the
public proposes a new enterprise.

Revision ID: 1a7c057c7698
Revises: b3d9e2f41c07
Create Date: 2026-12-06 02:52:56.997918

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1a7c057c7698'
down_revision = 'b3d9e2f41c07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('manager_sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager_sign_in')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_manager_sign_in_token_hash'))
    )
    with op.batch_alter_table('manager_sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manager_sign_in_email'), ['email'], unique=False)

    op.create_table('claim_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_claim_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_claim_request_entry_id_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_request'))
    )
    with op.batch_alter_table('claim_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_request_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_request_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_request_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_request_status'), ['status'], unique=False)

    op.create_table('entry_manager',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_by', sa.String(length=254), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_by', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim_request.id'], name=op.f('fk_entry_manager_claim_id_claim_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_manager_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_entry_manager_granted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_entry_manager_revoked_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_manager'))
    )
    with op.batch_alter_table('entry_manager', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_manager_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_manager_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_manager_revoked_at'), ['revoked_at'], unique=False)

    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicates', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_column('duplicates')

    with op.batch_alter_table('entry_manager', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_manager_revoked_at'))
        batch_op.drop_index(batch_op.f('ix_entry_manager_entry_id'))
        batch_op.drop_index(batch_op.f('ix_entry_manager_email'))

    op.drop_table('entry_manager')
    with op.batch_alter_table('claim_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_request_status'))
        batch_op.drop_index(batch_op.f('ix_claim_request_entry_id'))
        batch_op.drop_index(batch_op.f('ix_claim_request_email'))
        batch_op.drop_index(batch_op.f('ix_claim_request_created_at'))

    op.drop_table('claim_request')
    with op.batch_alter_table('manager_sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manager_sign_in_email'))

    op.drop_table('manager_sign_in')
