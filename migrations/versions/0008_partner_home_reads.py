"""The partner home's reads at program scale.

referrals.accepted_at, filled from the timelines, and ix_referrals_org_accepted: the tier card
counts an organisation's referrals accepted in a trailing window from one index range instead
of joining every "accepted" event of the program. ix_referrals_org_updated: the open referrals
shown, newest news first, without sorting all of a large partner's. ix_commissions_org_created
replaces ix_commissions_organization_id (it starts with the same column): this year's earnings
from the index alone. ix_referrals_next_due gains the columns the staff list's "pipeline
stalled" flag reads (same leading columns, so the inbox's order is served as before): the
program's stale referrals from the index alone. ix_referrals_org_status_closed gains the
estimated value, so the scorecard's open pipeline by stage is read from the index alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:00:00

"""
from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', portal.db_types.UTCDateTime(), nullable=True))
    # A referral is accepted once (only a submitted or conflicting one can be): its first
    # "accepted" event is the moment.
    op.execute(
        "UPDATE referrals SET accepted_at = (SELECT MIN(referral_events.created_at) "
        "FROM referral_events WHERE referral_events.referral_id = referrals.id "
        "AND referral_events.kind = 'accepted')"
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(
            'ix_referrals_org_accepted', ['organization_id', 'accepted_at'], unique=False
        )
        batch_op.create_index(
            'ix_referrals_org_updated',
            ['organization_id', 'last_partner_update_at', 'id'],
            unique=False,
        )
        batch_op.drop_index('ix_referrals_next_due')
        batch_op.create_index(
            'ix_referrals_next_due',
            ['next_due_at', 'id', 'organization_id', 'first_responded_at', 'status'],
            unique=False,
        )
        batch_op.drop_index('ix_referrals_org_status_closed')
        batch_op.create_index(
            'ix_referrals_org_status_closed',
            ['organization_id', 'status', 'closed_at', 'deal_currency', 'deal_value_minor',
             'estimated_currency', 'estimated_value_minor'],
            unique=False,
        )
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_commissions_org_created',
            ['organization_id', 'created_at', 'status', 'currency', 'amount_minor'],
            unique=False,
        )
        batch_op.drop_index('ix_commissions_organization_id')


def downgrade():
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.create_index('ix_commissions_organization_id', ['organization_id'], unique=False)
        batch_op.drop_index('ix_commissions_org_created')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_org_status_closed')
        batch_op.create_index(
            'ix_referrals_org_status_closed',
            ['organization_id', 'status', 'closed_at', 'deal_currency', 'deal_value_minor'],
            unique=False,
        )
        batch_op.drop_index('ix_referrals_next_due')
        batch_op.create_index('ix_referrals_next_due', ['next_due_at', 'id'], unique=False)
        batch_op.drop_index('ix_referrals_org_updated')
        batch_op.drop_index('ix_referrals_org_accepted')
        batch_op.drop_column('accepted_at')
