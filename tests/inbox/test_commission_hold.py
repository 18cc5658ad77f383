"""Commissions in their hold period: the page shows the date, never a button that would fail."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import api as referrals
from tests.referrals.test_commission_lifecycle import won_commission

PORTAL = Path(__file__).resolve().parents[2] / "portal"


@pytest.fixture
def held(partner_user, staff_user, make_referral):
    """A pending commission won today: inside its 60-day hold."""
    return won_commission(make_referral, partner_user, staff_user, now=utcnow())


@pytest.fixture
def ripe(partner_user, staff_user, make_referral):
    """A pending commission won 61 days ago: its hold is over."""
    return won_commission(
        make_referral, partner_user, staff_user, now=utcnow() - timedelta(days=61)
    )


def _row(html: str, commission_id: int) -> str:
    match = re.search(rf'<tr id="commission-{commission_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for commission {commission_id}"
    return match.group(1)


def test_a_held_commission_shows_its_date_and_no_approve_button(login, staff_user, held, ripe):
    html = login(staff_user).get("/inbox/commissions").get_data(as_text=True)

    held_row = _row(html, held.id)
    assert f"/inbox/commissions/{held.id}/approve" not in held_row
    assert ">Approve<" not in held_row
    assert f">{held.approvable_from:%d %b %Y}</time>" in held_row
    assert "In hold: can be approved from" in held_row
    ripe_row = _row(html, ripe.id)
    assert f'action="/inbox/commissions/{ripe.id}/approve' in ripe_row
    assert ">Approve</button>" in ripe_row


def test_staff_see_how_many_are_ready_and_can_list_only_those(login, staff_user, held, ripe):
    client = login(staff_user)
    html = client.get("/inbox/commissions").get_data(as_text=True)
    assert "<strong>1</strong> commission is past the hold and ready to approve" in html
    assert 'href="/inbox/commissions?status=ready"' in html

    ready = client.get("/inbox/commissions?status=ready").get_data(as_text=True)
    assert f'id="commission-{ripe.id}"' in ready
    assert f'id="commission-{held.id}"' not in ready
    assert '<option selected value="ready">Ready to approve</option>' in ready


def test_nothing_ready_says_so_and_an_empty_filter_offers_the_way_back(login, staff_user, held):
    html = login(staff_user).get("/inbox/commissions?status=ready").get_data(as_text=True)
    assert "No commission is ready to approve yet." in html
    assert '<div class="empty-state"><p>No commissions match this filter.' in html
    assert '<a href="/inbox/commissions">Show every commission</a>' in html


def test_the_page_and_the_action_agree_at_the_boundary(app, staff_user, held):
    """The row's button and approve() read the same rule, at the same instant."""
    at = held.approvable_from
    before = at - timedelta(seconds=1)
    assert not referrals.staff_row(held.id, now=before).ready
    with pytest.raises(referrals.CommissionError, match="can be approved from"):
        referrals.approve(held, staff_user, now=before)
    db.session.rollback()
    assert referrals.staff_row(held.id, now=at).ready
    assert referrals.ready_to_approve_count(now=before) == 0
    assert referrals.ready_to_approve_count(now=at) == 1
    referrals.approve(held, staff_user, now=at)
    assert held.status == "approved"


def test_the_approval_rule_is_written_once():
    """Only Commission.is_approvable compares a time with approvable_from; the rest call it."""
    comparisons = []
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Compare):
                names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)} | {
                    n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                }
                if "approvable_from" in names:
                    comparisons.append(f"{path.relative_to(PORTAL)}:{node.lineno}")
    assert len(comparisons) == 1, comparisons
    assert comparisons[0].startswith("referrals/models.py:"), comparisons
    templates = PORTAL / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"approvable_from\s*[<>]|[<>]=?\s*\w*\.approvable_from", text), path
