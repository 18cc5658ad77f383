"""The question rules as plain calls: the clock, the states, staff actions and their audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.questions.api import (
    QuestionError,
    add_note,
    ask,
    assign,
    breached,
    breached_condition,
    faq_snippet,
    mark_faq,
    reply,
    respond,
)
from portal.questions.models import PartnerQuestion, QuestionMessage, QuestionStatus
from portal.questions.thread import thread
from tests.questions.helpers import new_question

ASKED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_question_is_due_on_its_topics_clock(app, partner_user):
    question = new_question(partner_user, topic="commissions", now=ASKED)
    assert question.status == QuestionStatus.NEW
    assert question.first_response_due_at == ASKED + timedelta(hours=8)
    assert question.due_at == question.first_response_due_at
    program_question = new_question(partner_user, topic="program", now=ASKED)
    assert program_question.first_response_due_at == ASKED + timedelta(hours=24)


def test_an_unknown_topic_and_blank_or_long_text_are_refused(app, partner_user):
    program = current_content().program
    with pytest.raises(QuestionError) as topic:
        ask(partner_user, "retired", "Subject", "Body", None, program)
    assert topic.value.field == "topic"
    with pytest.raises(QuestionError) as blank:
        ask(partner_user, "commissions", "   ", "Body", None, program)
    assert blank.value.field == "subject"
    with pytest.raises(QuestionError) as long:
        ask(partner_user, "commissions", "Subject", "x" * 5001, None, program)
    assert long.value.field == "body"


def test_staff_cannot_ask_and_partners_cannot_answer(app, partner_user, staff_user):
    with pytest.raises(QuestionError):
        ask(staff_user, "commissions", "S", "B", None, current_content().program)
    question = new_question(partner_user)
    with pytest.raises(QuestionError):
        respond(partner_user, question, "An answer", QuestionStatus.ANSWERED)


def test_an_answer_in_time_stops_the_clock_and_e_mails_the_asker(app, partner_user, staff_user):
    question = new_question(partner_user, now=ASKED)
    respond(staff_user, question, "Paid on the 15th.", "answered", now=ASKED + timedelta(hours=2))
    db.session.commit()
    assert question.status == QuestionStatus.ANSWERED
    assert question.due_at is None
    assert question.first_responded_at == ASKED + timedelta(hours=2)
    assert not breached(question, ASKED + timedelta(days=5))
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_email == partner_user.email
    assert "Paid on the 15th." in mail.body_text and "Paid on the 15th." in mail.body_html
    assert f"/questions/{question.id}" in mail.body_text
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert entry.action == "question.answered"
    assert entry.after == {"status": "answered", "first_response": True}


def test_a_late_or_missing_first_response_is_a_breach(app, partner_user, staff_user):
    late = new_question(partner_user, now=ASKED)
    waiting = new_question(partner_user, now=ASKED)
    in_time = new_question(partner_user, now=ASKED + timedelta(hours=20))
    respond(staff_user, late, "Sorry for the wait.", "answered", now=ASKED + timedelta(hours=9))
    db.session.commit()
    now = ASKED + timedelta(hours=10)
    assert breached(late, now) and breached(waiting, now) and not breached(in_time, now)
    found = db.session.scalars(sa.select(PartnerQuestion.id).where(breached_condition(now))).all()
    assert sorted(found) == sorted([late.id, waiting.id])


def test_the_partner_writing_again_restarts_the_clock(app, partner_user, staff_user):
    question = new_question(partner_user, now=ASKED)
    respond(staff_user, question, "Which referral?", "waiting_on_partner", now=ASKED)
    assert question.status == QuestionStatus.WAITING_ON_PARTNER
    later = ASKED + timedelta(days=1)
    reply(partner_user, question, "R-000001.", current_content().program, now=later)
    assert question.status == QuestionStatus.WAITING_ON_US
    assert question.due_at == later + timedelta(hours=8)
    # The first response stays the first one: the breach figure reads that.
    assert question.first_responded_at == ASKED


def test_another_organisation_cannot_reply(app, partner_user, other_partner):
    question = new_question(partner_user)
    with pytest.raises(QuestionError):
        reply(other_partner, question, "Me too", current_content().program)


def test_notes_stay_internal_and_every_staff_action_is_audited(
    app, partner_user, staff_user, admin_user
):
    question = new_question(partner_user)
    add_note(staff_user, question, "Check with finance first.")
    assign(staff_user, question, admin_user)
    answer = respond(staff_user, question, "Paid on the 15th.", "answered", worth_faq=True)
    db.session.commit()
    mark_faq(staff_user, answer, False)
    mark_faq(staff_user, answer, True)
    db.session.commit()
    partner_bodies = [m.message.body for m in thread(question.id, partner_view=True)]
    assert "Check with finance first." not in partner_bodies
    staff_bodies = [m.message.body for m in thread(question.id, partner_view=False)]
    assert "Check with finance first." in staff_bodies
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "question.note_added",
        "question.assigned",
        "question.answered",
        "question.faq_unmarked",
        "question.faq_marked",
    ]
    with pytest.raises(QuestionError):
        assign(staff_user, question, partner_user)
    note = db.session.scalars(
        sa.select(QuestionMessage).where(QuestionMessage.kind == "note")
    ).one()
    with pytest.raises(QuestionError):
        mark_faq(staff_user, note, True)


def test_the_faq_snippet_is_markdown_that_cannot_carry_markup():
    snippet = faq_snippet("When is <b>the</b> # payout?\n## injected", "On the 15th.")
    assert snippet == "## When is \\<b\\>the\\</b\\> \\# payout? \\#\\# injected\n\nOn the 15th.\n"
