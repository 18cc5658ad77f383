"""The scorecard's per-organisation rollup of closed quarters, and commissions paid by time.

scorecard_org_quarters: every organisation's figures per closed quarter, stored by
`flask scorecard refresh` (portal/scorecard/rollup.py), so a large partner's scorecard reads
one row per closed quarter instead of its whole history. ix_commissions_org_paid: an
organisation's commissions paid in a window, summed from the index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 20:00:00

"""

from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scorecard_org_quarters",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("certified", sa.Integer(), nullable=False),
        sa.Column("certificates_issued", sa.Integer(), nullable=False),
        sa.Column("modules_completed", sa.Integer(), nullable=False),
        sa.Column("kit_downloads", sa.Integer(), nullable=False),
        sa.Column("content_views", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("won_of_submitted", sa.Integer(), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("lost", sa.Integer(), nullable=False),
        sa.Column("won_value", sa.BigInteger(), nullable=False),
        sa.Column("response_due", sa.Integer(), nullable=False),
        sa.Column("response_on_time", sa.Integer(), nullable=False),
        sa.Column("median_response_seconds", sa.Float(), nullable=True),
        sa.Column("commissions_earned", sa.JSON(), nullable=False),
        sa.Column("commissions_paid", sa.JSON(), nullable=False),
        sa.Column("valid_until", portal.db_types.UTCDateTime(), nullable=True),
        sa.Column("computed_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
        ),
        sa.PrimaryKeyConstraint("organization_id", "quarter"),
    )
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commissions_org_paid",
            ["organization_id", "paid_at", "currency", "amount_minor"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.drop_index("ix_commissions_org_paid")
    op.drop_table("scorecard_org_quarters")
