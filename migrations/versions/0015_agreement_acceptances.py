"""The partner agreement's acceptances (one per organisation and version) and the reminders
sent about a new version (each at most once).

Before versions, accepting the agreement was ticking the onboarding step `accept-agreement`
(the default step of the `agreement_accepted` criterion): each such tick becomes an acceptance
of version 1 by the person who ticked it, at that time, so no organisation loses its standing.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 22:00:00

"""

from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agreement_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("accepted_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organization_id", "version", name="uq_agreement_acceptance_version"
        ),
    )
    op.create_table(
        "agreement_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organization_id", "version", "kind", name="uq_agreement_reminder_once"
        ),
    )
    op.execute(
        """
        INSERT INTO agreement_acceptances
            (organization_id, version, accepted_by_id, signer_name, accepted_at)
        SELECT p.organization_id, 1, p.completed_by_id,
               substr(CASE WHEN u.name = '' THEN u.email ELSE u.name END, 1, 120),
               p.completed_at
        FROM checklist_progress p JOIN users u ON u.id = p.completed_by_id
        WHERE p.step_id = 'accept-agreement'
        """
    )


def downgrade():
    op.drop_table("agreement_reminders")
    op.drop_table("agreement_acceptances")
