"""API idempotency keys: the hash of the body each Idempotency-Key first came with.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 00:40:00

"""

from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_api_idempotency_keys_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_keys")),
        sa.UniqueConstraint(
            "organization_id", "key", name=op.f("uq_api_idempotency_keys_organization_id")
        ),
    )


def downgrade():
    op.drop_table("api_idempotency_keys")
