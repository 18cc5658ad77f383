"""Every figure of /insights against the hand-built program in tests/insights/dataset.py.

The expected numbers are written out here, worked from the dataset's table by hand; the
live path (one scope's queries) and the rollup (every scope from unfiltered queries) must
both give them.
"""

from __future__ import annotations

from typing import Any

import pytest

from portal.content_runtime import current_content
from portal.insights.compute import compute_figures
from portal.insights.periods import period_for
from portal.insights.rollup import page_figures, rollup
from portal.insights.scope import InsightsQuery, Scope
from tests.insights import dataset
from tests.insights.dataset import NOW


@pytest.fixture
def world(app, module_world) -> dataset.World:
    return module_world("insights dataset", dataset.build)


def figures(scope: Scope = Scope(), period: str = "90") -> dict[str, Any]:  # noqa: B008
    found = period_for(period, NOW)
    assert found is not None
    return compute_figures(found, current_content(), NOW, [scope], query_scope=scope)[scope]


def _month(days_ago: float) -> str:
    moment = dataset.ago(days_ago)
    return f"{moment.year:04d}-{moment.month:02d}"


def test_recruited_and_activated(world):
    result = figures()["recruitment"]
    assert result["invited"] == [3, 1]  # B, C, D now; A before
    assert result["activated"] == [1, 1]  # B now; A before
    assert result["first_referral"] == [3, 0]  # A (R1), B (R3), C (R7); E's was R5, long ago
    assert result["first_win"] == [1, 1]  # A (R1) now; E (R6) before
    assert result["status_now"] == {"invited": 1, "onboarding": 1, "active": 2, "suspended": 1}
    assert result["funnel"] == {"invited": 5, "activated": 3, "first_referral": 4, "first_win": 2}
    assert result["kit_ready_now"] == 3  # A, B and E have used a kit at some time
    cohorts = {month: rest for month, *rest in result["cohorts"]}
    assert len(result["cohorts"]) == 12
    assert cohorts[_month(300)] == [1, 1, 10.0]  # E: activated ten days after its invitation
    assert cohorts[_month(120)] == [1, 1, 20.0]  # A
    assert cohorts[_month(60)][:2] in ([1, 1], [2, 1])  # B (C too when both fall in a month)
    assert sum(invited for invited, _a, _d in cohorts.values()) == 5
    assert sum(activated for _i, activated, _d in cohorts.values()) == 3


def test_enablement(world):
    result = figures()["enablement"]
    assert result["issued"] == [2, 1]  # a1 basics and b2 advanced now (b1's was revoked); a2
    assert result["completions"] == [3, 1]
    assert result["first_attempts"] == [[1, 2], [1, 1]]  # a1 failed first, b1 passed; a2
    assert result["certified_people_now"] == 3  # a1, a2, b2 (e1's expired, b1's revoked)
    assert result["expiring"] == 1  # a2's, in 20 days
    assert result["kit_orgs"] == [2, 1]  # A and B now, E before
    per_path = {row["path"]: row for row in result["per_path"]}
    assert per_path["basics"] == {
        "path": "basics",
        "certified_now": 2,
        "issued": [1, 1],
        "first_attempts": 2,
        "first_attempts_passed": 1,
        "expiring": 1,
    }
    assert per_path["advanced"]["certified_now"] == 1
    assert per_path["advanced"]["issued"] == [1, 0]


def test_joint_pipeline(world):
    result = figures()["pipeline"]
    assert result["submitted"] == [5, 1]  # R1 R2 R3 R4 R7; R6
    # Deal value where recorded, else the estimate, in USD only (R4 is in EUR).
    assert result["submitted_value"] == [(12_000 + 5_000 + 25_000 + 1_000) * 100, 4_000 * 100]
    assert result["sourced"] == [4, 1]
    assert result["influenced"] == [1, 0]
    assert result["accepted"] == [3, 1]  # R1 R2 R3; R6
    assert result["won"] == [1, 1]
    assert result["won_value"] == [1_200_000, 400_000]
    open_by_stage = {stage: [n, value] for stage, n, value in result["open_by_stage"]}
    assert open_by_stage["proposal"] == [1, 2_500_000]  # R3, at its deal value
    assert open_by_stage["submitted"] == [1, 0]  # R4: EUR, not added to USD
    assert sum(n for n, _v in open_by_stage.values()) == 2
    assert sum(n for _day, what, n in result["daily"] if what == "submitted") == 5
    assert sum(n for _day, what, n in result["daily"] if what == "won") == 1


def test_conversion_beside_direct_sales(world):
    result = figures()["conversion"]
    assert result["current"] == {
        # closed now: R1 won, R2 lost from qualified, R7 rejected at triage
        "reached": [
            ["submitted", 3],
            ["accepted", 2],
            ["contacted", 2],
            ["qualified", 2],
            ["proposal", 1],
            ["won", 1],
        ],
        "won": 1,
        "lost": 1,
        "rejected": 1,
        "median_days_to_close": 60.0,
    }
    assert result["previous"]["won"] == 1 and result["previous"]["median_days_to_close"] == 50.0


def test_engagement(world):
    result = figures()["engagement"]
    assert result["active_users"] == [5, 2]  # a1 a2 b1 b2 c1 (staff never count); b1 e1
    assert result["events"] == {
        "login": [4, 1],
        "content_view": [2, 0],
        "kit_download": [1, 1],
        "template_copy": [1, 0],
        "template_download": [0, 0],
    }
    assert result["meetings"] == {
        "meeting": [0, 1],
        "call": [1, 0],
        "qbr": [1, 0],
        "joint_plan_review": [1, 0],  # held today
    }


def test_responsiveness(world):
    result = figures()["responsiveness"]
    assert result["attainment"] == [[3, 5], [1, 1]]  # R1 R3 R7 met; R2 late, R4 unanswered
    assert result["median_hours"] == [24.0, 24.0]  # 10, 24, 24, 50 hours; R6 took 24
    assert result["stale_now"] == 1  # R3
    assert result["overdue_now"] == 1  # R4
    owners = [
        (row["name"], row["attainment"], row["median_hours"], row["stale_now"], row["overdue_now"])
        for row in result["owners"]
    ]
    assert owners == [
        ("Olu Owner", [1, 2], 37.0, 0, 0),
        ("Sam Staff", [2, 2], 17.0, 1, 0),
        ("Unassigned", [0, 1], None, 0, 1),
    ]


def test_commissions(world):
    result = figures()["commissions"]
    assert result["flows"] == {
        "earned": {"count": [1, 1], "amount": [120_000, 40_000]},
        "approved": {"count": [2, 0], "amount": [160_000, 0]},
        "paid": {"count": [1, 0], "amount": [40_000, 0]},
        "disputed": {"count": [1, 0], "amount": [120_000, 0]},
    }
    assert result["status_now"] == [
        ["pending", 0, 0],
        ["approved", 0, 0],
        ["paid", 1, 40_000],
        ["disputed", 1, 120_000],
    ]


def test_partners_needing_attention(world):
    # B: nobody signed in for 30 days (D is only invited, E suspended); A: a2's certificate
    # expires in 20 days; B: R3 is stale, and B keeps gold in a grace period.
    assert figures()["attention"] == {
        "grace": 1,
        "no_login": 1,
        "cert_expiring": 1,
        "stalled": 1,
    }


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(partner_type="reseller"), {"invited": [1, 0], "submitted": [2, 1], "active": 2}),
        (Scope(tier="silver"), {"invited": [1, 1], "submitted": [2, 0], "active": 2}),
        # Region: the organisation's for organisation figures (A, B in Europe), the
        # referral's for referral figures (R1, R3, R4).
        (Scope(region="Europe"), {"invited": [1, 1], "submitted": [3, 0], "active": 4}),
        (Scope("referral", "silver", "Europe"),
         {"invited": [0, 1], "submitted": [1, 0], "active": 2}),
        # A is referral/silver but in Europe: no organisation; R2 is A's North American referral.
        (Scope("referral", "silver", "North America"),
         {"invited": [0, 0], "submitted": [1, 0], "active": 0}),
    ],
)  # fmt: skip
def test_filters(world, scope, expected):
    result = figures(scope)
    assert result["recruitment"]["invited"] == expected["invited"]
    assert result["pipeline"]["submitted"] == expected["submitted"]
    assert result["engagement"]["active_users"][0] == expected["active"]


def test_a_region_narrows_every_organisation_figure(world):
    """North America: C (onboarding, invited 30 d ago) and E (suspended); D has no region."""
    result = figures(Scope(region="North America"))
    recruitment = result["recruitment"]
    assert recruitment["invited"] == [1, 0]  # C now; E long before
    assert recruitment["status_now"] == {
        "invited": 0,
        "onboarding": 1,
        "active": 0,
        "suspended": 1,
    }
    assert recruitment["funnel"] == {
        "invited": 2,
        "activated": 1,  # E
        "first_referral": 2,  # C (R7), E (R5)
        "first_win": 1,  # E (R6)
    }
    assert recruitment["kit_ready_now"] == 1  # E
    enablement = result["enablement"]
    assert enablement["issued"] == [0, 0]  # e1's certificate is older and expired
    assert enablement["certified_people_now"] == 0
    assert enablement["expiring"] == 0
    assert enablement["first_attempts"] == [[0, 0], [0, 0]]  # c1's attempt is unsubmitted
    engagement = result["engagement"]
    assert engagement["active_users"] == [1, 1]  # c1 now; e1 before
    assert engagement["events"]["login"] == [1, 0]
    assert engagement["events"]["kit_download"] == [0, 1]
    assert engagement["meetings"]["joint_plan_review"] == [1, 0]  # C's, today
    assert engagement["meetings"]["qbr"] == [0, 0]  # A's is in Europe
    assert result["attention"] == {"grace": 0, "no_login": 0, "cert_expiring": 0, "stalled": 0}


def test_a_region_counts_its_organisations_flags(world):
    # Europe: B in grace, quiet and stalled; A's a2 holds the expiring certificate.
    assert figures(Scope(region="Europe"))["attention"] == {
        "grace": 1,
        "no_login": 1,
        "cert_expiring": 1,
        "stalled": 1,
    }
    enablement = figures(Scope(region="Europe"))["enablement"]
    assert enablement["issued"] == [2, 1]  # a1, b2 now; a2 before
    assert enablement["kit_orgs"][0] == 2  # A and B used a kit in the period


def test_the_rollup_gives_every_scope_the_live_figures(world):
    report = rollup(current_content(), now=NOW)
    assert report.rows == 11 * 4 * 4 * 3  # periods, types, tiers, regions (each with "any")
    for scope in (Scope(), Scope(partner_type="reseller"), Scope("referral", "silver", "Europe")):
        for key in ("30", "365", "90"):
            period = period_for(key, NOW)
            assert period is not None
            shown = page_figures(InsightsQuery(period, scope), current_content(), NOW)
            assert not shown.live and shown.computed_at == NOW
            assert shown.figures == figures(scope, key), (scope, key)


def test_the_period_before_a_quarter_has_the_same_length(world):
    quarter = period_for(f"{NOW.year}-Q{(NOW.month - 1) // 3 + 1}", NOW)
    assert quarter is not None
    assert quarter.current.end == NOW
    assert quarter.previous.end - quarter.previous.start == quarter.current.end - (
        quarter.current.start
    )
