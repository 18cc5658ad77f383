"""Staff log meetings, calls, QBRs and joint-plan reviews on an organisation's page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.staff.models import Meeting


def _meetings() -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        sa.select(Meeting.held_on, Meeting.kind, Meeting.note).order_by(Meeting.id)
    )
    return [(held.isoformat(), kind, note) for held, kind, note in rows]


def test_a_logged_meeting_shows_on_the_page_with_an_audit_entry(
    client, login, staff_user, partner_org
):
    login(staff_user)
    day = (utcnow() - timedelta(days=3)).date()
    response = client.post(
        f"/staff/orgs/{partner_org.id}/meetings",
        data={"held_on": day.isoformat(), "kind": "qbr", "note": "Q3 review: <b>pipeline</b>"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/orgs/{partner_org.id}#meetings")
    assert _meetings() == [(day.isoformat(), "qbr", "Q3 review: <b>pipeline</b>")]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "meeting.logged"))
    assert entry is not None and entry.actor_id == staff_user.id
    assert entry.organization_id == partner_org.id
    assert entry.after == {"held_on": day.isoformat(), "kind": "qbr", "note": entry.after["note"]}

    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert "Quarterly business review" in html
    assert "Q3 review: &lt;b&gt;pipeline&lt;/b&gt;" in html
    assert "Sam Staff" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "", "kind": "call"}, "Enter the date"),
        ({"held_on": "31/12/2025", "kind": "call"}, "Enter the date"),
        ({"held_on": "99999-01-01", "kind": "call"}, "Enter the date"),
        ({"held_on": "{future}", "kind": "call"}, "in the future"),
        ({"held_on": "{ancient}", "kind": "call"}, "more than two years ago"),
        ({"held_on": "{today}", "kind": "lunch"}, "Not a valid choice"),
        ({"held_on": "{today}", "kind": "call", "note": "x" * 2001}, "2000 characters"),
    ],
)
def test_a_meeting_the_rules_refuse_is_explained_and_not_saved(
    client, login, staff_user, partner_org, data: dict[str, Any], message: str
):
    today = utcnow().date()
    dates = {
        "{future}": (today + timedelta(days=1)).isoformat(),
        "{ancient}": (today - timedelta(days=731)).isoformat(),
        "{today}": today.isoformat(),
    }
    data = {**data, "held_on": dates.get(data["held_on"], data["held_on"])}
    login(staff_user)
    response = client.post(f"/staff/orgs/{partner_org.id}/meetings", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _meetings() == []


def test_the_page_lists_the_latest_ten_newest_first(client, login, staff_user, partner_org):
    today = utcnow().date()
    for days in range(12):
        db.session.add(
            Meeting(
                organization_id=partner_org.id,
                held_on=today - timedelta(days=days),
                kind="call",
                note=f"call number {days}",
            )
        )
    db.session.commit()
    html = login(staff_user).get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"call number (\d+)", html)]
    assert shown == list(range(10))


def test_meetings_of_another_organisation_stay_there(
    client, login, staff_user, partner_org, other_org
):
    db.session.add(
        Meeting(organization_id=other_org.id, held_on=utcnow().date(), kind="call", note="Globex")
    )
    db.session.commit()
    html = login(staff_user).get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert "No meetings logged yet." in html
    assert "Globex" not in html.split('id="meetings"')[1]
