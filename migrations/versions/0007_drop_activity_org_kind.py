"""Drop ix_activity_events_org_kind: ix_activity_events_org_kind_created starts with the same
columns and serves the same lookups, so every activity insert kept two indexes for one job.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 18:30:00

"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity_events', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_events_org_kind')


def downgrade():
    with op.batch_alter_table('activity_events', schema=None) as batch_op:
        batch_op.create_index(
            'ix_activity_events_org_kind', ['organization_id', 'kind'], unique=False
        )
