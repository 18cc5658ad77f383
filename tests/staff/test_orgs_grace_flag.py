"""The "In grace period" flag: the daily tier evaluation starts a grace period, and the
organisation list shows it with its end date, linked to the organisation."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.accounts.models import Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.tiers.evaluation import evaluate_all
from tests.conftest import new_certification, new_org, new_user
from tests.tiers.conftest import accept_referrals, agree


def _row(html: str, name: str) -> str:
    found = re.search(rf"<tr>\s*<td><a[^>]*>{name}</a>.*?</tr>", html, re.S)
    assert found is not None, html
    return found.group(0)


def test_an_organisation_in_grace_is_flagged_with_its_end_date(client, login, staff_user):
    # Silver asks for one certified person and two accepted referrals a year: one is short.
    slipping = new_org(name="Slipping Co", tier="silver", status="active", activated_at=utcnow())
    admin = new_user(Role.PARTNER_ADMIN, slipping, email="admin@slipping.example")
    agree(slipping)
    new_certification(admin)
    accept_referrals(admin, 1)
    steady = new_org(name="Steady Co", tier="registered", status="active", activated_at=utcnow())
    agree(steady)
    new_user(Role.PARTNER_ADMIN, steady, email="admin@steady.example")
    now = utcnow()
    assert evaluate_all(current_content().program, now).changes == {"grace_started": 1}
    ends = now.date() + timedelta(days=30)  # the fixture program's grace_days

    client = login(staff_user)
    html = client.get("/staff/orgs").get_data(as_text=True)
    row = _row(html, "Slipping Co")
    assert (
        f'<a class="badge badge-warn flag" href="/staff/orgs/{slipping.id}">In grace period until '
        f'<time datetime="{ends.isoformat()}">{ends:%d %b %Y}</time>'
    ) in row
    assert "In grace period" not in _row(html, "Steady Co")

    only = client.get("/staff/orgs?flag=grace").get_data(as_text=True)
    assert "Slipping Co" in only and "Steady Co" not in only
    # The heaviest flag: "Needs attention" puts it first.
    by_attention = client.get("/staff/orgs?sort=attention").get_data(as_text=True)
    assert by_attention.index("Slipping Co") < by_attention.index("Steady Co")
    assert client.get(f"/staff/orgs/{slipping.id}").status_code == 200
