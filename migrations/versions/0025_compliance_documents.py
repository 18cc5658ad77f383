"""Compliance documents partners upload (a tax form, an insurance certificate), their reviews,
and the reminders sent before they expire.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 00:20:00

"""

from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compliance_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", portal.db_types.UTCDateTime(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_compliance_documents_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_compliance_documents_reviewed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_compliance_documents_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_documents")),
        sa.UniqueConstraint(
            "organization_id", "document_type", "version", name="uq_compliance_document_version"
        ),
    )
    with op.batch_alter_table("compliance_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compliance_documents_status_uploaded", ["status", "uploaded_at"], unique=False
        )

    op.create_table(
        "compliance_document_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["compliance_documents.id"],
            name=op.f("fk_compliance_document_reminders_document_id_compliance_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_document_reminders")),
        sa.UniqueConstraint("document_id", "kind", name="uq_compliance_document_reminder_once"),
    )


def downgrade():
    op.drop_table("compliance_document_reminders")
    with op.batch_alter_table("compliance_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_documents_status_uploaded")

    op.drop_table("compliance_documents")
