"""Lead routing's indexes (partners by region, partners by industry) and the directory contact
form's single-use token (directory_contacts.form_nonce, unique).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 00:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index("ix_organizations_region_status", ["region", "status"], unique=False)
    with op.batch_alter_table("lead_industries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lead_industries_industry_org", ["industry", "organization_id"], unique=False
        )
    with op.batch_alter_table("directory_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_nonce", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_directory_contacts_form_nonce"), ["form_nonce"]
        )


def downgrade():
    with op.batch_alter_table("directory_contacts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_directory_contacts_form_nonce"), type_="unique")
        batch_op.drop_column("form_nonce")
    with op.batch_alter_table("lead_industries", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_industries_industry_org")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_region_status")
