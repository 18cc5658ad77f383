"""Every SLA the partner team owes runs on the program's one business-hours calendar: the
referral's first response, a question's first response per topic, the co-marketing review.
The stale clock stays in calendar days; the words people read say "business hours"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from portal.comarketing import service as comarketing
from portal.content.business_time import business_time_between, in_working_time
from portal.content.model import Program
from portal.content.model_calendar import BusinessHours
from portal.content_runtime import current_content
from portal.extensions import db
from portal.inbox.detail import sla_clocks
from portal.kits.api import current_uploads
from portal.questions.api import ask, breached, breached_condition, reply, respond
from portal.questions.forms import AskForm
from portal.questions.models import PartnerQuestion, QuestionStatus
from portal.referrals.api import (
    add_sla_hours,
    due_text,
    first_response_due,
    sla_time_between,
    stale_due,
    submit_referral,
)
from portal.referrals.reminders import breach_of
from tests.comarketing.factories import PDF
from tests.conftest import referral_input

LONDON = ZoneInfo("Europe/London")
CALENDAR = BusinessHours(
    timezone="Europe/London",
    days=frozenset(range(5)),
    opens=time(9, 0),
    closes=time(17, 30),
    holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}),
)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=LONDON).astimezone(UTC)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


def on_calendar(program: Program) -> Program:
    return replace(program, business_hours=CALENDAR)


@pytest.fixture
def program(app) -> Program:
    """The fixture program (48 h first response, topics of 8 and 24 h, 72 h review) on the
    London working week."""
    return on_calendar(current_content().program)


def test_a_friday_afternoon_referral_is_due_after_48_working_hours(program: Program) -> None:
    """1.5 h on Friday, then 8.5 h a day from Monday: 44 h by Friday 4 Dec 17:30, the last
    4 h on Monday 7 Dec."""
    due = first_response_due(FRIDAY_4PM, program)
    assert due == london(2026, 12, 7, 13, 0)
    assert sla_time_between(FRIDAY_4PM, due, program) == timedelta(hours=48)
    assert due_text(due, program) == "Mon 7 Dec 2026, 13:00 GMT"


def test_without_a_calendar_the_first_response_is_elapsed_time(app) -> None:
    program = current_content().program
    assert program.business_hours is None
    assert first_response_due(FRIDAY_4PM, program) == FRIDAY_4PM + timedelta(hours=48)
    assert due_text(FRIDAY_4PM, program) == "Fri 27 Nov 2026, 16:00 UTC"


def test_the_stale_clock_stays_in_calendar_days(program: Program) -> None:
    assert stale_due(FRIDAY_4PM, program) == FRIDAY_4PM + timedelta(days=14)


def test_a_submitted_referral_stores_its_business_hours_due_time(
    program: Program, partner_user
) -> None:
    submission = submit_referral(partner_user, referral_input(), program, now=FRIDAY_4PM)
    db.session.commit()
    referral = submission.referral
    assert referral.first_response_due_at == london(2026, 12, 7, 13, 0)
    assert referral.next_due_at == referral.first_response_due_at
    assert in_working_time(referral.first_response_due_at, CALENDAR)


def test_the_reminder_says_business_hours(program: Program, partner_user) -> None:
    referral = submit_referral(partner_user, referral_input(), program, now=FRIDAY_4PM).referral
    breach = breach_of(referral, program, london(2026, 12, 8, 9, 0))
    assert "within 48 business hours of submitting" in breach.what
    assert breach.overdue_by == "overdue by 20 h"  # real time since Monday 13:00


def test_a_question_is_due_on_its_topic_hours_of_the_same_calendar(
    program: Program, partner_user
) -> None:
    question = ask(partner_user, "commissions", "Payout?", "When?", None, program, FRIDAY_4PM)
    assert question.first_response_due_at == london(2026, 11, 30, 15, 30)  # 1.5 h + 6.5 h
    assert question.due_at == question.first_response_due_at
    longer = ask(partner_user, "program", "Tiers?", "How?", None, program, FRIDAY_4PM)
    assert sla_time_between(FRIDAY_4PM, longer.first_response_due_at, program) == timedelta(
        hours=24
    )


def test_a_partner_reply_restarts_the_clock_on_the_calendar(
    program: Program, partner_user, staff_user
) -> None:
    question = ask(partner_user, "commissions", "Payout?", "When?", None, program, FRIDAY_4PM)
    respond(staff_user, question, "Which one?", QuestionStatus.WAITING_ON_PARTNER,
            now=london(2026, 11, 30, 10, 0))  # fmt: skip
    christmas_eve = london(2026, 12, 24, 17, 0)
    reply(partner_user, question, "R-000001", program, now=christmas_eve)
    # 0.5 h on the 24th; the 25th, the weekend and the 28th are off; 7.5 h on the 29th.
    assert question.due_at == london(2026, 12, 29, 16, 30)


def test_breaches_read_the_stored_due_times(program: Program, partner_user) -> None:
    """The queue, insights and scorecard compare stored instants: nothing there needs the
    calendar, so a business-hours due time breaches exactly when it passes."""
    question = ask(partner_user, "commissions", "Payout?", "When?", None, program, FRIDAY_4PM)
    db.session.commit()
    due = question.first_response_due_at
    assert not breached(question, due)
    assert breached(question, due + timedelta(seconds=1))
    overdue = sa.select(sa.func.count()).where(
        PartnerQuestion.id == question.id, breached_condition(due + timedelta(minutes=1))
    )
    assert db.session.scalar(overdue) == 1


def test_the_topic_choices_promise_business_hours(app, program: Program) -> None:
    with app.test_request_context():
        form = AskForm(meta={"csrf": False})
        form.set_topics(program)
    labels = [label for _value, label, *_rest in form.topic.iter_choices()]
    assert "Commissions and payouts (first answer within 8 business hours)" in labels


def test_a_co_marketing_review_is_due_after_its_business_hours(
    program: Program, partner_user
) -> None:
    assert comarketing.due_at(FRIDAY_4PM, program) == add_sla_hours(FRIDAY_4PM, 72, program)
    upload = comarketing.check_upload(PDF, "invite.pdf", 1024 * 1024)
    piece = comarketing.submit_piece(
        partner_user,
        comarketing.Submission(
            title="Webinar", channel="email", planned_on=date(2027, 3, 1), kit_id=None,
            upload=upload, url=None,
        ),
        program,
        current_uploads(),
    )  # fmt: skip
    assert in_working_time(piece.due_at, CALENDAR)
    assert business_time_between(piece.submitted_at, piece.due_at, CALENDAR) == timedelta(hours=72)


def test_the_inbox_says_how_many_business_hours_the_first_response_took(
    program: Program, partner_user
) -> None:
    """Submitted Friday 16:00, answered Monday 10:00: 2.5 business hours, not 66 real ones."""
    referral = submit_referral(partner_user, referral_input(), program, now=FRIDAY_4PM).referral
    referral.first_responded_at = london(2026, 11, 30, 10, 0)
    clocks = sla_clocks(referral, program, london(2026, 11, 30, 11, 0))
    assert clocks.first_response_took == "2 h 30 min of business hours"
    assert not clocks.first_response_late
    elapsed = sla_clocks(referral, replace(program, business_hours=None), FRIDAY_4PM)
    assert elapsed.first_response_took == "2 d 18 h"
