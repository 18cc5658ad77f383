"""The scorecard's question rows: asked, answered on time, breaches, per quarter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.content_runtime import current_content
from portal.extensions import db
from portal.questions.api import respond
from portal.scorecard.figures import scorecard_for
from portal.scorecard.quarters import Quarter
from portal.scorecard.table import sections
from tests.questions.helpers import new_question

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # 2026-Q2


def test_questions_per_quarter(app, partner_user, other_partner, staff_user) -> None:
    on_time = new_question(partner_user, now=datetime(2026, 2, 2, 9, tzinfo=UTC))  # Q1
    late = new_question(partner_user, now=datetime(2026, 4, 6, 9, tzinfo=UTC))  # Q2
    new_question(partner_user, now=datetime(2026, 5, 1, 9, tzinfo=UTC))  # Q2, never answered
    new_question(partner_user, now=NOW - timedelta(hours=1))  # Q2, not due yet
    new_question(other_partner, now=datetime(2026, 4, 6, 9, tzinfo=UTC))  # someone else's
    respond(staff_user, on_time, "Yes.", "answered", now=on_time.asked_at + timedelta(hours=2))
    respond(staff_user, late, "Sorry.", "answered", now=late.asked_at + timedelta(hours=10))
    db.session.commit()
    card = scorecard_for(
        partner_user.organization, Quarter(2026, 2), current_content().program, NOW
    )
    q1, q2 = card.quarters[-2].questions, card.quarters[-1].questions
    assert (q1.asked, q1.due, q1.on_time, q1.breached) == (1, 1, 1, 0)
    assert (q2.asked, q2.due, q2.on_time, q2.breached) == (3, 2, 0, 2)
    assert q2.median_response_seconds == 10 * 3600
    rows = {row.key: row for section in sections(card) for row in section.rows}
    assert rows["question_sla"].cells[-2:] == ("1 of 1 (100%)", "0 of 2 (0%)")
    assert rows["question_breaches"].cells[-1] == "2"
