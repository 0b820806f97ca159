"""Programmes, targets, activities, registrations, head counts, started networks

The programme's own follow-up (issue 18): a programme's targets, its activities with their
registrations and head counts, and the networks it started.

Revision ID: 85f3460a619a
Revises: 5d2e8b4c7f19
Create Date: 2026-12-06 00:14:13.947414

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '85f3460a619a'
down_revision = '5d2e8b4c7f19'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name_sv', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('funder', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('counties', sa.JSON(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('source_title', sa.String(length=500), nullable=False),
    sa.Column('source_url', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
    sa.UniqueConstraint('slug', name=op.f('uq_programme_slug'))
    )
    op.create_table('programme_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('women', sa.Integer(), nullable=True),
    sa.Column('men', sa.Integer(), nullable=True),
    sa.Column('county_code', sa.String(length=2), nullable=True),
    sa.Column('per_municipality', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_programme_target_county_code_county')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_target_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_target'))
    )
    with op.batch_alter_table('programme_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_target_programme_id'), ['programme_id'], unique=False)

    op.create_table('started_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('county_code', sa.String(length=2), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['county_code'], ['county.code'], name=op.f('fk_started_network_county_code_county')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_started_network_entry_id_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_started_network_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_started_network'))
    )
    with op.batch_alter_table('started_network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_started_network_programme_id'), ['programme_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title_sv', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_sv', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('theme_number', sa.Integer(), nullable=True),
    sa.Column('package_code', sa.String(length=5), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('organiser', sa.String(length=300), nullable=False),
    sa.Column('arrangements', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration', sa.Boolean(), nullable=False),
    sa.Column('reduced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_activity_municipality_code_municipality')),
    sa.ForeignKeyConstraint(['package_code'], ['competence_package.code'], name=op.f('fk_activity_package_code_competence_package')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_activity_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_number'], ['theme.number'], name=op.f('fk_activity_theme_number_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_municipality_code'), ['municipality_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_starts_at'), ['starts_at'], unique=False)

    op.create_table('network_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_network_member_municipality_code_municipality')),
    sa.ForeignKeyConstraint(['network_id'], ['started_network.id'], name=op.f('fk_network_member_network_id_started_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_member'))
    )
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_member_network_id'), ['network_id'], unique=False)

    op.create_table('head_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_head_count_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_head_count')),
    sa.UniqueConstraint('activity_id', 'sector', 'gender', name=op.f('uq_head_count_activity_id'))
    )
    with op.batch_alter_table('head_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_head_count_activity_id'), ['activity_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('cancel_token_hash', sa.String(length=64), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_registration_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_email'), ['email'], unique=False)



def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_email'))
        batch_op.drop_index(batch_op.f('ix_registration_activity_id'))

    op.drop_table('registration')
    with op.batch_alter_table('head_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_head_count_activity_id'))

    op.drop_table('head_count')
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_member_network_id'))

    op.drop_table('network_member')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_starts_at'))
        batch_op.drop_index(batch_op.f('ix_activity_programme_id'))
        batch_op.drop_index(batch_op.f('ix_activity_municipality_code'))

    op.drop_table('activity')
    with op.batch_alter_table('started_network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_started_network_programme_id'))

    op.drop_table('started_network')
    with op.batch_alter_table('programme_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_target_programme_id'))

    op.drop_table('programme_target')
    op.drop_table('programme')
