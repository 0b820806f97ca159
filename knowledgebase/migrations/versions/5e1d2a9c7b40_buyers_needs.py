"""Buyers' needs: needs, the enterprises they were sent to and their answers; alerts about
needs; enterprises that want no more needs

Revision ID: 5e1d2a9c7b40
Revises: a7c3e91d2b40
Create Date: 2026-12-06 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d2a9c7b40'
down_revision = 'a7c3e91d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'need',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('organisation', sa.String(length=300), nullable=False),
        sa.Column('organisation_kind', sa.String(length=20), nullable=False),
        sa.Column('contact_name', sa.String(length=300), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('contact_phone', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('service_slug', sa.String(length=80), nullable=True),
        sa.Column('cpv', sa.String(length=12), nullable=False),
        sa.Column('value', sa.Integer(), nullable=True),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('may_reserve', sa.Boolean(), nullable=False),
        sa.Column('may_direct_award', sa.Boolean(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_by', sa.String(length=254), nullable=False),
        sa.Column('reject_reason', sa.Text(), nullable=False),
        sa.Column('confirm_hash', sa.String(length=64), nullable=False),
        sa.Column('page_salt', sa.String(length=16), nullable=False),
        sa.Column('outcome_hash', sa.String(length=64), nullable=False),
        sa.Column('outcome_asked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('awarded', sa.Boolean(), nullable=True),
        sa.Column('awarded_enterprise_id', sa.Integer(), nullable=True),
        sa.Column('awarded_value', sa.Integer(), nullable=True),
        sa.Column('contract_consent', sa.Boolean(), nullable=False),
        sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome_by', sa.String(length=254), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['awarded_enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_need_awarded_enterprise_id_enterprise'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['contract_id'], ['public_contract.id'],
                                name=op.f('fk_need_contract_id_public_contract'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['service_slug'], ['service_category.slug'],
                                name=op.f('fk_need_service_slug_service_category'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_need')),
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        for column in ('status', 'deadline', 'public', 'sent_at', 'confirm_hash', 'outcome_hash'):
            batch_op.create_index(batch_op.f(f'ix_need_{column}'), [column], unique=False)

    op.create_table(
        'need_municipality',
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('municipality_code', sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'],
                                name=op.f('fk_need_municipality_municipality_code_municipality'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_municipality_need_id_need'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('need_id', 'municipality_code', name=op.f('pk_need_municipality')),
    )
    op.create_table(
        'need_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_need_recipient_enterprise_id_enterprise'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_recipient_need_id_need'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_need_recipient')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_need_recipient_token_hash')),
    )
    with op.batch_alter_table('need_recipient', schema=None) as batch_op:
        for column in ('need_id', 'enterprise_id', 'sent_at'):
            batch_op.create_index(batch_op.f(f'ix_need_recipient_{column}'), [column], unique=False)

    op.create_table(
        'need_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('contact_person', sa.String(length=300), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recipient_id'], ['need_recipient.id'],
                                name=op.f('fk_need_answer_recipient_id_need_recipient'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_need_answer')),
    )
    with op.batch_alter_table('need_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_answer_recipient_id'), ['recipient_id'], unique=False)

    with op.batch_alter_table('entry_upkeep', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_off_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=10), server_default='entries', nullable=False))
        batch_op.add_column(sa.Column('service_slug', sa.String(length=80), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_alert_subscription_service_slug_service_category'),
                                    'service_category', ['service_slug'], ['slug'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alert_subscription_service_slug_service_category'),
                                 type_='foreignkey')
        batch_op.drop_column('service_slug')
        batch_op.drop_column('topic')
    with op.batch_alter_table('entry_upkeep', schema=None) as batch_op:
        batch_op.drop_column('needs_off_at')
    op.drop_table('need_answer')
    op.drop_table('need_recipient')
    op.drop_table('need_municipality')
    op.drop_table('need')
