"""The rules of a question: asking, the partner writing again, and every staff action.

Each function checks, changes the question, writes its audit entry (staff actions) and never
commits: the view commits once. Staff actions take the question's row lock first
(`lock_question`), so two people answering one question take turns.

The first-response clock is the referral SLA's clock (portal.referrals.api: due = asked +
the topic's `first_response_hours` on the program's business-hours calendar, `add_sla_hours`,
or elapsed hours without one; read with the same `clock`/`describe`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.content.model_governance import QuestionTopic
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.outbox import queue_email
from portal.questions.models import (
    WAITING_ON_US,
    MessageKind,
    PartnerQuestion,
    QuestionMessage,
    QuestionStatus,
)
from portal.questions.subjects import Subject
from portal.referrals.api import SlaClock, add_sla_hours, as_utc, clock

SUBJECT_MAX = 200
BODY_MAX = 5000
OUTCOMES: dict[str, str] = {
    QuestionStatus.ANSWERED: "Answer (the question is answered)",
    QuestionStatus.WAITING_ON_PARTNER: "Ask the partner for more (waiting on partner)",
}


class QuestionError(Exception):
    """An action that cannot be done; `message` is shown beside `field` when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def clean_text(value: str | None, limit: int, blank: str, field: str) -> str:
    """The text trimmed; QuestionError on `field` when it is blank or longer than `limit`."""
    text = (value or "").strip()
    if len(text) > limit:
        raise QuestionError(f"Keep it to {limit} characters.", field=field)
    if not text:
        raise QuestionError(blank, field=field)
    return text


def due_after(start: datetime, topic: QuestionTopic | None, program: Program) -> datetime:
    """When the partner team's response is due: the topic's hours, else the referral SLA's,
    on the same business-hours calendar as referrals."""
    hours = topic.first_response_hours if topic is not None else program.first_response_hours
    return add_sla_hours(as_utc(start, "start"), hours, program)


def ask(
    user: User,
    topic_id: str,
    subject: str,
    body: str,
    about: Subject | None,
    program: Program,
    now: datetime | None = None,
) -> PartnerQuestion:
    """A partner's new question, due on its topic's first-response clock; no commit."""
    if not user.is_partner or user.organization_id is None:
        raise QuestionError("Only partners ask the partner team questions.")
    topic = program.governance.topic(topic_id)
    if topic is None:
        raise QuestionError("Choose one of the topics.", field="topic")
    title = clean_text(subject, SUBJECT_MAX, "Say in a line what it is about.", "subject")
    text = clean_text(body, BODY_MAX, "Write your question.", "body")
    now = now or utcnow()
    due = due_after(now, topic, program)
    question = PartnerQuestion(
        organization_id=user.organization_id,
        asked_by_id=user.id,
        topic=topic.id,
        subject=title,
        about_kind=about.kind if about is not None else None,
        about_key=about.key if about is not None else None,
        status=QuestionStatus.NEW,
        asked_at=now,
        first_response_due_at=due,
        due_at=due,
        last_activity_at=now,
    )
    db.session.add(question)
    db.session.flush()
    _message(question, user, MessageKind.QUESTION, text, now)
    return question


def reply(
    user: User, question: PartnerQuestion, body: str, program: Program, now: datetime | None = None
) -> QuestionMessage:
    """The partner writes again: the question waits on the partner team (clock restarts)."""
    if user.organization_id != question.organization_id or user.is_staff:
        raise QuestionError("Only the asking organisation writes in this thread.")
    text = clean_text(body, BODY_MAX, "Write your reply.", "body")
    now = now or utcnow()
    if question.status not in WAITING_ON_US:
        question.status = QuestionStatus.WAITING_ON_US
        question.due_at = due_after(now, program.governance.topic(question.topic), program)
    question.last_activity_at = now
    return _message(question, user, MessageKind.REPLY, text, now)


def lock_question(question_id: int) -> PartnerQuestion | None:
    """The question, its row locked until the commit (FOR UPDATE; SQLite locks on write)."""
    return db.session.scalar(
        sa.select(PartnerQuestion)
        .where(PartnerQuestion.id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def respond(
    actor: User,
    question: PartnerQuestion,
    body: str,
    outcome: str,
    worth_faq: bool = False,
    now: datetime | None = None,
) -> QuestionMessage:
    """Staff answer (or ask for more) in the thread; the asker is e-mailed; no commit."""
    _require_staff(actor)
    if outcome not in OUTCOMES:
        raise QuestionError("Choose whether this answers the question.", field="outcome")
    text = clean_text(body, BODY_MAX, "Write the answer.", "body")
    now = now or utcnow()
    before = {"status": question.status}
    first = question.first_responded_at is None
    if first:
        question.first_responded_at = now
    question.status = outcome
    question.due_at = None
    question.last_activity_at = now
    message = _message(
        question, actor, MessageKind.ANSWER, text, now,
        worth_faq=worth_faq and outcome == QuestionStatus.ANSWERED,
    )  # fmt: skip
    action = "answered" if outcome == QuestionStatus.ANSWERED else "asked_for_more"
    _audit(actor, action, question, before, {"status": outcome, "first_response": first})
    _email_asker(question, message)
    return message


def add_note(
    actor: User, question: PartnerQuestion, body: str, now: datetime | None = None
) -> None:
    """An internal note: the partner team reads it, the partner never does."""
    _require_staff(actor)
    text = clean_text(body, BODY_MAX, "Write the note.", "note")
    _message(question, actor, MessageKind.NOTE, text, now or utcnow())
    _audit(actor, "note_added", question, None, None)


def assign(actor: User, question: PartnerQuestion, assignee: User | None) -> None:
    """Give the question to one person on the partner team, or to nobody."""
    _require_staff(actor)
    if assignee is not None and not (assignee.is_staff and assignee.active):
        raise QuestionError("Choose someone on the partner team.", field="assignee")
    new_id = assignee.id if assignee is not None else None
    if question.assignee_id == new_id:
        return
    before = {"assignee_id": question.assignee_id}
    question.assignee_id = new_id
    _audit(actor, "assigned", question, before, {"assignee_id": new_id})


def mark_faq(actor: User, message: QuestionMessage, worth: bool) -> None:
    """Mark an answer worth an FAQ (or no longer): the FAQ list offers it as Markdown."""
    _require_staff(actor)
    if message.kind != MessageKind.ANSWER:
        raise QuestionError("Only an answer can become an FAQ.")
    if message.worth_faq == worth:
        return
    message.worth_faq = worth
    question = db.session.get(PartnerQuestion, message.question_id)
    if question is not None:
        _audit(actor, "faq_marked" if worth else "faq_unmarked", question, None, None)


def first_response_clock(question: PartnerQuestion, now: datetime) -> SlaClock | None:
    """The first-response clock while it runs; None once the partner team responded."""
    if question.first_responded_at is not None:
        return None
    return clock(question.first_response_due_at, now)


def breached(question: PartnerQuestion, now: datetime) -> bool:
    """The first response came late, or has not come and is overdue."""
    if question.first_responded_at is not None:
        return question.first_responded_at > question.first_response_due_at
    return question.first_response_due_at < as_utc(now, "now")


def breached_condition(now: datetime) -> sa.ColumnElement[bool]:
    """`breached` as SQL, for the queue's filter and the reporting layer's counts."""
    return sa.or_(
        PartnerQuestion.first_responded_at > PartnerQuestion.first_response_due_at,
        sa.and_(
            PartnerQuestion.first_responded_at.is_(None),
            PartnerQuestion.first_response_due_at < as_utc(now, "now"),
        ),
    )


def _require_staff(actor: User) -> None:
    if actor is None or not actor.is_staff:
        raise QuestionError("Only the partner team can do this.")


def _message(
    question: PartnerQuestion,
    author: User,
    kind: MessageKind,
    body: str,
    now: datetime,
    worth_faq: bool = False,
) -> QuestionMessage:
    message = QuestionMessage(
        question_id=question.id,
        author_id=author.id,
        kind=kind,
        body=body,
        worth_faq=worth_faq,
        created_at=now,
    )
    db.session.add(message)
    return message


def _audit(
    actor: User,
    action: str,
    question: PartnerQuestion,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    record_audit(
        actor,
        f"question.{action}",
        "question",
        question.id,
        organization_id=question.organization_id,
        before=before,
        after=after,
    )


def _email_asker(question: PartnerQuestion, message: QuestionMessage) -> None:
    """The asker's e-mail: their own question's subject and the answer, nothing else."""
    asker = db.session.get(User, question.asked_by_id)
    if asker is None or not asker.active:
        return
    answered = question.status == QuestionStatus.ANSWERED
    queue_email(
        asker.email,
        "question_answered",
        f"{'Answered' if answered else 'A question back'}: {question.subject}",
        question=question,
        message=message,
        answered=answered,
        recipient_name=asker.first_name,
    )
