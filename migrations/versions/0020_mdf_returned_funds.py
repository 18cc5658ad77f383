"""MDF funds released after their period ended go to the period in progress: returned_minor.

mdf_allocations.returned_minor is what came back into a period from requests of earlier
periods (portal/mdf/balance.py `release`); a period's ceiling is its tier's allocation plus it,
so the within_funds CHECK becomes committed <= allocated + returned. The staff budget's
covering index gains the column.

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-08 00:20:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mdf_allocations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("returned_minor", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.drop_constraint(op.f("ck_mdf_allocations_within_funds"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_mdf_allocations_within_funds"),
            "committed_minor >= 0 AND committed_minor <= allocated_minor + returned_minor",
        )
        batch_op.create_check_constraint(op.f("ck_mdf_allocations_returned"), "returned_minor >= 0")
        batch_op.drop_index("ix_mdf_allocations_period_tier")
        batch_op.create_index(
            "ix_mdf_allocations_period_tier",
            ["period", "tier", "currency", "allocated_minor", "committed_minor", "paid_minor",
             "returned_minor"],
            unique=False,
        )  # fmt: skip


def downgrade():
    # Funds carried into a period cannot be put back where they came from: a downgrade folds
    # them into the period's allocation, so no balance drops below what is held.
    op.execute(
        "UPDATE mdf_allocations SET allocated_minor = allocated_minor + returned_minor "
        "WHERE returned_minor > 0"
    )
    with op.batch_alter_table("mdf_allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_mdf_allocations_period_tier")
        batch_op.create_index(
            "ix_mdf_allocations_period_tier",
            ["period", "tier", "currency", "allocated_minor", "committed_minor", "paid_minor"],
            unique=False,
        )
        batch_op.drop_constraint(op.f("ck_mdf_allocations_returned"), type_="check")
        batch_op.drop_constraint(op.f("ck_mdf_allocations_within_funds"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_mdf_allocations_within_funds"), "committed_minor >= 0 AND committed_minor <= allocated_minor"
        )
        batch_op.drop_column("returned_minor")
