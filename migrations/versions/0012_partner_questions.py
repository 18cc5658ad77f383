"""Partner questions: a question on a governance topic, its thread of messages and notes.

questions: one per question, with its first-response clock (due, responded) and the due time
of the partner team's next response; indexed for the staff queue's tabs and the partner's
list. question_messages: the thread (question, replies, answers, internal notes), with the
"worth an FAQ" mark on answers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 21:40:00

"""

from alembic import op
import sqlalchemy as sa
import portal.db_types


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("about_kind", sa.String(length=20), nullable=True),
        sa.Column("about_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("asked_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.Column("first_response_due_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.Column("first_responded_at", portal.db_types.UTCDateTime(), nullable=True),
        sa.Column("due_at", portal.db_types.UTCDateTime(), nullable=True),
        sa.Column("last_activity_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["asked_by_id"], ["users.id"], name=op.f("fk_questions_asked_by_id_users")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_questions_assignee_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], name=op.f("fk_questions_organization_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index("ix_questions_status_due", ["status", "due_at", "id"], unique=False)
        batch_op.create_index("ix_questions_status_activity", ["status", "last_activity_at", "id"], unique=False)
        batch_op.create_index("ix_questions_org_id", ["organization_id", "id"], unique=False)
        batch_op.create_index("ix_questions_org_about", ["organization_id", "about_kind", "about_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_questions_assignee_id"), ["assignee_id"], unique=False)

    op.create_table(
        "question_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("worth_faq", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_question_messages_author_id_users")),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name=op.f("fk_question_messages_question_id_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_messages")),
    )
    with op.batch_alter_table("question_messages", schema=None) as batch_op:
        batch_op.create_index("ix_question_messages_question", ["question_id", "id"], unique=False)
        batch_op.create_index("ix_question_messages_faq", ["worth_faq", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("question_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_question_messages_faq")
        batch_op.drop_index("ix_question_messages_question")
    op.drop_table("question_messages")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_assignee_id"))
        batch_op.drop_index("ix_questions_org_about")
        batch_op.drop_index("ix_questions_org_id")
        batch_op.drop_index("ix_questions_status_activity")
        batch_op.drop_index("ix_questions_status_due")
    op.drop_table("questions")
