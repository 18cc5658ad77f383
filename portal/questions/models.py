"""Partner questions: a question, its thread of messages, and the staff notes beside it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class QuestionStatus(StrEnum):
    NEW = "new"  # asked; nobody on the partner team has responded yet
    WAITING_ON_US = "waiting_on_us"  # the partner wrote again after a response
    WAITING_ON_PARTNER = "waiting_on_partner"  # staff asked the partner for more
    ANSWERED = "answered"


STATUS_LABELS: dict[str, str] = {
    QuestionStatus.NEW: "New",
    QuestionStatus.WAITING_ON_US: "Waiting on us",
    QuestionStatus.WAITING_ON_PARTNER: "Waiting on partner",
    QuestionStatus.ANSWERED: "Answered",
}
# The partner reads the same states from their side of the desk.
PARTNER_STATUS_LABELS: dict[str, str] = {
    QuestionStatus.NEW: "Waiting for the partner team",
    QuestionStatus.WAITING_ON_US: "Waiting for the partner team",
    QuestionStatus.WAITING_ON_PARTNER: "Waiting for your reply",
    QuestionStatus.ANSWERED: "Answered",
}
# The clock runs while the question waits on the partner team.
WAITING_ON_US = (QuestionStatus.NEW, QuestionStatus.WAITING_ON_US)


class MessageKind(StrEnum):
    QUESTION = "question"  # the partner's opening text
    REPLY = "reply"  # the partner writing again
    ANSWER = "answer"  # staff, partner-visible (an answer or a request for more)
    NOTE = "note"  # staff, internal: never shown to the partner


PARTNER_VISIBLE = (MessageKind.QUESTION, MessageKind.REPLY, MessageKind.ANSWER)


class PartnerQuestion(Model):
    """A partner's question to the partner team, on a topic from program.yml."""

    __tablename__ = "questions"
    __table_args__ = (
        # The staff queue: one tab (status) at a time, the running clock first ...
        sa.Index("ix_questions_status_due", "status", "due_at", "id"),
        # ... or the latest activity first (waiting on partner, answered).
        sa.Index("ix_questions_status_activity", "status", "last_activity_at", "id"),
        # The partner's list, newest first, and the questions about one subject.
        sa.Index("ix_questions_org_id", "organization_id", "id"),
        sa.Index("ix_questions_org_about", "organization_id", "about_kind", "about_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(50))
    subject: Mapped[str] = mapped_column(sa.String(200))
    # What the question is about, e.g. ("referral", "R-000123"); both NULL when about nothing.
    about_kind: Mapped[str | None] = mapped_column(sa.String(20))
    about_key: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default=QuestionStatus.NEW)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the partner team's next response is due; NULL while the question waits on nobody.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuestionMessage(Model):
    """One message of a question's thread; notes are internal, the rest partner-visible."""

    __tablename__ = "question_messages"
    __table_args__ = (
        sa.Index("ix_question_messages_question", "question_id", "id"),
        # The FAQ candidates list reads only the flagged answers.
        sa.Index("ix_question_messages_faq", "worth_faq", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    worth_faq: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def partner_visible(self) -> bool:
        return self.kind != MessageKind.NOTE
