"""A question's thread as its pages show it, and the answers marked worth an FAQ.

Partners read the partner-visible messages only (never the internal notes). The FAQ list
gives each flagged answer with its question as a Markdown snippet for
`content/pages/faq.md`, which the content team adds in git.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import Organization, User
from portal.extensions import db
from portal.pagination import Page, cut_page
from portal.questions.models import PARTNER_VISIBLE, MessageKind, PartnerQuestion, QuestionMessage

__all__ = ["FAQ_PAGE_SIZE", "FaqCandidate", "ThreadMessage", "faq_page", "faq_snippet", "thread"]

FAQ_PAGE_SIZE = 25


@dataclass(frozen=True)
class ThreadMessage:
    """One message with its author's name and side ("partner" or "partner team")."""

    message: QuestionMessage
    author_name: str
    from_staff: bool


def thread(question_id: int, *, partner_view: bool) -> list[ThreadMessage]:
    """The question's messages, oldest first, with their authors (one statement)."""
    stmt = (
        sa.select(QuestionMessage, User.display_name, User.role)
        .outerjoin(User, User.id == QuestionMessage.author_id)
        .where(QuestionMessage.question_id == question_id)
        .order_by(QuestionMessage.id)
    )
    if partner_view:
        stmt = stmt.where(QuestionMessage.kind.in_(PARTNER_VISIBLE))
    return [
        ThreadMessage(
            message=message,
            author_name=name or "Someone no longer here",
            from_staff=message.kind in (MessageKind.ANSWER, MessageKind.NOTE),
        )
        for message, name, _role in db.session.execute(stmt)
    ]


@dataclass(frozen=True)
class FaqCandidate:
    """An answer marked worth an FAQ, with the question it answers."""

    question_id: int
    message_id: int
    subject: str
    question_text: str
    answer_text: str
    organization_name: str
    answered_at: datetime

    @property
    def snippet(self) -> str:
        return faq_snippet(self.subject, self.answer_text)


def faq_snippet(subject: str, answer: str) -> str:
    """The question and answer as Markdown for content/pages/faq.md: a heading and the answer.

    The heading is one line with Markdown's heading and HTML characters escaped, so pasting it
    never turns a partner's words into markup the content check would have to catch.
    """
    title = " ".join(subject.split())
    for char in "\\`*_{}[]<>#|":
        title = title.replace(char, "\\" + char)
    return f"## {title}\n\n{answer.strip()}\n"


def faq_page(before: int | None) -> Page[FaqCandidate, int]:
    """The answers marked worth an FAQ, newest first (keyset on the answer's id)."""
    opening = aliased(QuestionMessage)
    stmt = (
        sa.select(
            PartnerQuestion.id,
            QuestionMessage.id,
            PartnerQuestion.subject,
            opening.body,
            QuestionMessage.body,
            Organization.name,
            QuestionMessage.created_at,
        )
        .join(PartnerQuestion, PartnerQuestion.id == QuestionMessage.question_id)
        .join(Organization, Organization.id == PartnerQuestion.organization_id)
        .join(
            opening,
            sa.and_(
                opening.question_id == PartnerQuestion.id, opening.kind == MessageKind.QUESTION
            ),
        )
        .where(QuestionMessage.worth_faq.is_(True))
        .order_by(QuestionMessage.id.desc())
        .limit(FAQ_PAGE_SIZE + 1)
    )
    if before is not None:
        stmt = stmt.where(QuestionMessage.id < before)
    found = [FaqCandidate(*row) for row in db.session.execute(stmt)]
    return cut_page(found, FAQ_PAGE_SIZE, cursor_of=lambda c: c.message_id, after=before)
