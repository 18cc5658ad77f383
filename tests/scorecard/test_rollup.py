"""The per-organisation rollup of closed quarters (`flask scorecard refresh`): the page reads
the stored figures, they are exactly the live ones, a late change shows after the next
refresh, and a quarter not stored yet (or whose SLA figures moved since) is counted live."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scorecard import cli, views
from portal.scorecard.figures import scorecard_for
from portal.scorecard.models import OrgQuarter
from portal.scorecard.quarters import Quarter
from portal.scorecard.rollup import quarters_to_refresh, refresh_org_quarters
from tests.scorecard import dataset
from tests.scorecard.dataset import NOW, SELECTED, at

USD = "USD"


@pytest.fixture
def data(app) -> dataset.Dataset:
    return dataset.build()


def _card(org, quarter: Quarter = SELECTED, now=NOW):
    return scorecard_for(org, quarter, current_content().program, now)


def _refresh(now=NOW, count: int | None = None) -> list[Quarter]:
    quarters = quarters_to_refresh(now, count)
    refresh_org_quarters(now, quarters, USD)
    return quarters


def test_stored_figures_are_exactly_the_live_ones(data, count_queries) -> None:
    # Every quarter since the first organisation: 2025-Q2 (the dataset's first rows) on.
    live = {
        (org.id, q): _card(org, q).quarters
        for org in (data.acme, data.globex)
        for q in (SELECTED, SELECTED.preceding())
    }
    assert all(card_q.__len__() == 4 for card_q in live.values())
    quarters = _refresh(count=None)
    assert quarters[-1] == Quarter(2026, 1)
    for (org_id, q), figures in live.items():
        org = data.acme if org_id == data.acme.id else data.globex
        with count_queries() as reads:
            stored = _card(org, q)
        assert stored.quarters == figures
        assert stored.closed_counted_at == NOW
        if q == SELECTED.preceding():
            # Four closed quarters, all stored: one read for them, the program's average
            # (two), the open pipeline, and the organisation's questions (read live).
            assert reads.count == 5
    # The written-out figures of test_figures.py, now from the stored rows.
    card = _card(data.acme)
    assert [f.referrals.won_of_submitted for f in card.quarters] == [2, 0, 1, 0]
    assert [f.commissions.paid for f in card.quarters] == [{}, {}, {USD: 200_000}, {}]
    hours = [f.median_response_hours for f in card.quarters]
    assert hours == [pytest.approx(h, abs=0.001) for h in (3.0, 30.0, 10.0, 20.0)]


def test_the_page_reads_the_stored_row(data) -> None:
    _refresh(count=2)
    row = db.session.get(OrgQuarter, (data.acme.id, "2026-Q1"))
    assert row is not None and row.submitted == 2
    row.submitted = 7  # different on purpose: the page must show what is stored
    db.session.commit()
    assert [f.referrals.submitted for f in _card(data.acme).quarters] == [2, 2, 7, 4]


def test_a_late_change_shows_after_the_next_refresh(data) -> None:
    _refresh(NOW - timedelta(days=1), count=2)
    # The contacted referral submitted in 2025-Q4 is won today: Q4's cohort gains a won deal.
    late = db.session.scalars(
        sa.select(Referral).where(
            Referral.status == "contacted", Referral.organization_id == data.acme.id
        )
    ).one()
    late.status, late.closed_at = "won", NOW - timedelta(hours=1)
    late.deal_value_minor, late.deal_currency = 100_000, USD
    db.session.commit()
    before = _card(data.acme)
    assert [f.referrals.won_of_submitted for f in before.quarters] == [2, 0, 1, 0]
    assert before.quarters[-1].referrals.won == 2  # the running quarter is live: at once
    assert before.closed_counted_at == NOW - timedelta(days=1)
    _refresh(count=2)  # the last two closed quarters: 2025-Q4 and 2026-Q1
    after = _card(data.acme)
    assert [f.referrals.won_of_submitted for f in after.quarters] == [2, 1, 1, 0]
    # 2025-Q3 was not recounted: the page gives the oldest count it shows.
    assert after.closed_counted_at == NOW - timedelta(days=1)
    db.session.execute(sa.delete(OrgQuarter))
    assert _card(data.acme).quarters == after.quarters  # the same as counted live


def test_older_quarters_are_recounted_only_with_all(data) -> None:
    _refresh(count=None)
    late = db.session.scalars(
        sa.select(Referral).where(Referral.submitted_at == at("2025-08-10 10:00:00"))
    ).one()
    late.status = "lost"  # a correction in 2025-Q3, three quarters back
    db.session.commit()
    _refresh(count=2)
    assert _card(data.acme).quarters[0].referrals.won_of_submitted == 2  # as stored
    _refresh(count=None)
    assert _card(data.acme).quarters[0].referrals.won_of_submitted == 1


def test_without_a_refresh_every_quarter_is_counted_live(data) -> None:
    card = _card(data.acme)
    assert card.closed_counted_at is None
    assert [f.referrals.submitted for f in card.quarters] == [2, 2, 2, 4]


def test_a_stored_quarter_whose_first_responses_fell_due_since_is_counted_live(data) -> None:
    # Counted on 1 April: Q1's last referral (submitted a microsecond before Q2) is not due
    # for its first response until 3 April, so Q1's SLA figures still move.
    counted_at = at("2026-04-01 12:00:00")
    _refresh(counted_at, count=2)
    row = db.session.get(OrgQuarter, (data.acme.id, "2026-Q1"))
    assert (row.response_on_time, row.response_due) == (1, 1)
    assert row.valid_until == at("2026-03-31 23:59:59.999999") + timedelta(hours=48)
    early = _card(data.acme, now=at("2026-04-02 12:00:00"))
    assert early.quarters[2].sla_attainment.whole == 1  # stored, still true then
    card = _card(data.acme)
    assert (
        card.quarters[2].referrals.response_on_time,
        card.quarters[2].referrals.response_due,
    ) == (1, 2)
    # 2025-Q4's stored row holds; 2026-Q1 and the running quarter are counted live.
    assert card.closed_counted_at == counted_at


def test_a_refresh_again_replaces_the_rows(data) -> None:
    # The first run also fills in the older quarters with data (2025-Q2 on), later ones only
    # recount the last two closed quarters.
    _refresh(NOW - timedelta(days=1), count=2)
    _refresh(count=2)
    rows = db.session.scalars(sa.select(OrgQuarter).order_by(OrgQuarter.quarter)).all()
    assert {(r.organization_id, r.quarter) for r in rows} == {
        (org.id, q)
        for org in (data.acme, data.globex)
        for q in ("2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")
    }
    assert {(r.quarter, r.computed_at) for r in rows} == {
        ("2025-Q2", NOW - timedelta(days=1)),
        ("2025-Q3", NOW - timedelta(days=1)),
        ("2025-Q4", NOW),
        ("2026-Q1", NOW),
    }


def test_the_command_stores_the_closed_quarters(data, runner, monkeypatch) -> None:
    monkeypatch.setattr(cli, "utcnow", lambda: NOW)
    result = runner.invoke(args=["scorecard", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Stored 2 organisations' figures for 2025-Q2 to 2026-Q1 (4 closed" in result.output
    result = runner.invoke(args=["scorecard", "refresh"])
    assert "figures for 2025-Q4 to 2026-Q1 (2 closed quarters)" in result.output
    result = runner.invoke(args=["scorecard", "refresh", "--closed-quarters", "3"])
    assert "figures for 2025-Q3 to 2026-Q1 (3 closed quarters)" in result.output
    result = runner.invoke(args=["scorecard", "refresh", "--all"])
    assert "figures for 2025-Q2 to 2026-Q1 (4 closed quarters)" in result.output
    quick = runner.invoke(args=["scorecard", "refresh", "--program-only"])
    assert "Stored the program's win rate" in quick.output
    assert "closed quarter" not in quick.output


def test_the_page_says_when_the_closed_quarters_were_counted(data, login, monkeypatch) -> None:
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert "Closed quarters as of" not in page
    _refresh(NOW - timedelta(hours=3), count=None)
    page = login(data.acme_admin).get("/scorecard").get_data(as_text=True)
    assert "Closed quarters as of" in page
    assert "15 Jun 2026, 09:00 UTC" in page


def test_a_refresh_can_be_limited_to_some_organisations(data) -> None:
    refresh_org_quarters(NOW, [Quarter(2026, 1)], USD, organization_ids=[data.globex.id])
    rows = db.session.scalars(sa.select(OrgQuarter)).all()
    assert [(r.organization_id, r.quarter) for r in rows] == [(data.globex.id, "2026-Q1")]
