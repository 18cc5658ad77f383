"""Referrals remember who on the partner team first opened them and when: until then the
inbox marks them new. A referral staff already answered or closed counts as opened then (its
first response or its closing), so only the ones nobody has acted on start out new.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db_types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_opened_at', portal.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('first_opened_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_referrals_first_opened_by_id_users', 'users', ['first_opened_by_id'], ['id']
        )
        batch_op.create_index(
            'ix_referrals_unopened', ['next_due_at', 'id'], unique=False,
            sqlite_where=sa.text('first_opened_at IS NULL'),
            postgresql_where=sa.text('first_opened_at IS NULL'),
        )
    op.execute(
        'UPDATE referrals SET first_opened_at = COALESCE(first_responded_at, closed_at) '
        'WHERE first_responded_at IS NOT NULL OR closed_at IS NOT NULL'
    )


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(
            'ix_referrals_unopened',
            sqlite_where=sa.text('first_opened_at IS NULL'),
            postgresql_where=sa.text('first_opened_at IS NULL'),
        )
        batch_op.drop_constraint('fk_referrals_first_opened_by_id_users', type_='foreignkey')
        batch_op.drop_column('first_opened_by_id')
        batch_op.drop_column('first_opened_at')
