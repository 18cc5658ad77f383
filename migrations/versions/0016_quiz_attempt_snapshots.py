"""A graded quiz attempt keeps a snapshot of what the learner saw and was graded on.

quiz_attempts.snapshot: each question's prompt, explanation and choices (text, correct,
explanation, chosen) as graded (portal/learning/history.py), so learners' and staff's history
pages show exactly that, whatever the content says today. NULL for older attempts.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 22:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
