"""Partner questions in /insights' responsiveness section: SLA met, median, overdue now."""

from __future__ import annotations

from datetime import timedelta

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.insights.compute import compute_figures
from portal.insights.periods import period_for
from portal.insights.scope import Scope
from portal.questions.api import respond
from tests.questions.helpers import new_question


def _figures(scope: Scope, now):
    period = period_for("30", now)
    assert period is not None
    return compute_figures(period, current_content(), now, [scope], query_scope=scope)[scope]


def test_question_responsiveness_by_scope(app, partner_user, other_partner, staff_user):
    now = utcnow()
    in_time = new_question(partner_user, now=now - timedelta(days=10))  # 8 h SLA
    late = new_question(other_partner, now=now - timedelta(days=5))
    new_question(partner_user, now=now - timedelta(days=2))  # never answered: overdue
    new_question(partner_user, now=now - timedelta(hours=1))  # on track
    respond(staff_user, in_time, "Yes.", "answered", now=in_time.asked_at + timedelta(hours=2))
    respond(staff_user, late, "Sorry.", "answered", now=late.asked_at + timedelta(hours=30))
    db.session.commit()

    everyone = _figures(Scope(), now)["questions"]
    assert everyone["attainment"][0] == [1, 3]  # due in the window: 3; met: 1
    assert everyone["median_hours"][0] == 16.0  # 2 h and 30 h
    assert everyone["overdue_now"] == 1
    resellers = _figures(Scope(partner_type="reseller"), now)["questions"]  # Globex
    assert resellers["attainment"][0] == [0, 1]
    assert resellers["median_hours"][0] == 30.0
    assert resellers["overdue_now"] == 0


def test_the_insights_page_shows_the_question_figures(app, client, login, staff_user, partner_user):
    new_question(partner_user, now=utcnow() - timedelta(days=2))
    login(staff_user)
    html = client.get("/insights").get_data(as_text=True)
    assert "Question first-response SLA met" in html
    assert "Questions past their first-response time now" in html
