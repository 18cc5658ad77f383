"""A logged meeting counts as the attested fact the program names it for (`from_meetings`).

The fixture program: gold asks for `qbr-attended`, valid 183 days, and a logged QBR counts as
it; a joint-plan review counts as nothing there.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.staff.models import Meeting
from portal.tiers.compute import compute_standing
from portal.tiers.gather import gather_facts
from tests.conftest import new_org

QBR_LABEL = "A quarterly business review in the last six months"


def qbr_criterion(org):
    program = current_content().program
    now = utcnow()
    standing = compute_standing(program, gather_facts([org], program, now)[org.id], now)
    gold = standing.tier_standing("gold")
    assert gold is not None
    (result,) = [r for r in gold.results if r.kind == "staff_attested"]
    assert result.label == QBR_LABEL
    return result


def log(client, org, days_ago: int, kind: str = "qbr") -> None:
    held = (utcnow() - timedelta(days=days_ago)).date()
    response = client.post(
        f"/staff/orgs/{org.id}/meetings",
        data={"held_on": held.isoformat(), "kind": kind, "note": "Quarterly review"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_logging_a_qbr_meets_the_qbr_criterion(client, login, staff_user):
    org = new_org(name="Reviewed Co", status="active")
    login(staff_user)
    assert qbr_criterion(org).met is False
    log(client, org, days_ago=30)
    result = qbr_criterion(org)
    held = (utcnow() - timedelta(days=30)).date()
    assert (result.met, result.last_on) == (True, held)
    assert result.valid_until == held + timedelta(days=182)
    # The staff page's standing says so, with the meeting's date.
    html = client.get(f"/staff/orgs/{org.id}/standing").get_data(as_text=True)
    assert QBR_LABEL in html


@pytest.mark.parametrize(
    ("days_ago", "met"),
    [(182, True), (183, False), (400, False)],  # counts on days D .. D + 182
)
def test_a_qbr_counts_for_the_facts_validity_only(app, days_ago, met):
    org = new_org(name="Older Co", status="active")
    held = (utcnow() - timedelta(days=days_ago)).date()
    db.session.add(Meeting(organization_id=org.id, held_on=held, kind="qbr", note=""))
    db.session.commit()
    result = qbr_criterion(org)
    assert result.met is met
    assert result.last_on == (held if met else None)  # gathering reads only the valid period


def test_other_meeting_kinds_do_not_count(client, login, staff_user):
    org = new_org(name="Chatty Co", status="active")
    login(staff_user)
    log(client, org, days_ago=3, kind="joint_plan_review")
    log(client, org, days_ago=2, kind="call")
    assert qbr_criterion(org).met is False


def test_the_latest_of_a_recorded_fact_and_a_meeting_counts(app):
    from tests.tiers.conftest import attest

    org = new_org(name="Both Co", status="active")
    attest(org, "qbr-attended", (utcnow() - timedelta(days=100)).date())
    db.session.add(Meeting(organization_id=org.id, kind="qbr", note="",
                           held_on=(utcnow() - timedelta(days=10)).date()))  # fmt: skip
    db.session.commit()
    assert qbr_criterion(org).last_on == (utcnow() - timedelta(days=10)).date()
