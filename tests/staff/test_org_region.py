"""An organisation's region: chosen when staff create it, changed on its page, shown on the
page and in the list, and a filter of the list."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.audit.models import AuditEntry
from portal.extensions import db

NEW = {
    "name": "Initech Partners",
    "website": "https://initech.example",
    "partner_type": "reseller",
    "tier": "silver",
    "admin_email": "peter@initech.example",
}


def _org(name: str) -> Organization:
    org = db.session.scalar(sa.select(Organization).where(Organization.name == name))
    assert org is not None
    return org


def test_a_new_organisation_gets_the_region_chosen(client, login, staff_user):
    login(staff_user)
    form = client.get("/staff/orgs/new").get_data(as_text=True)
    assert 'value="">No region yet</option>' in form
    assert 'value="Europe"' in form and 'value="North America"' in form
    response = client.post("/staff/orgs/new", data={**NEW, "region": "Europe"})
    assert response.status_code == 302
    org = _org("Initech Partners")
    assert org.region == "Europe"
    page = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert "<dt>Region</dt><dd>Europe</dd>" in page


def test_a_new_organisation_may_have_no_region(client, login, staff_user):
    login(staff_user)
    assert client.post("/staff/orgs/new", data=NEW).status_code == 302
    org = _org("Initech Partners")
    assert org.region is None
    page = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert "<dt>Region</dt><dd>Not set</dd>" in page


def test_an_unknown_region_is_refused_in_the_form(client, login, staff_user):
    login(staff_user)
    response = client.post("/staff/orgs/new", data={**NEW, "region": "Atlantis"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_changing_the_region_is_audited_and_shown(client, login, staff_user, partner_org):
    login(staff_user)
    response = client.post(f"/staff/orgs/{partner_org.id}/region", data={"region": "Europe"})
    assert response.status_code == 302
    page = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert f"{partner_org.name} is now in Europe." in page
    assert "<dt>Region</dt><dd>Europe</dd>" in page
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.region_changed")
    )
    assert entry is not None and entry.actor_id == staff_user.id
    assert (entry.before, entry.after) == ({"region": None}, {"region": "Europe"})

    client.post(f"/staff/orgs/{partner_org.id}/region", data={"region": ""})
    db.session.refresh(partner_org)
    assert partner_org.region is None


@pytest.mark.parametrize("region", ["Atlantis", "x" * 5000, "europe"])
def test_a_bad_region_re_renders_the_page_with_a_message(
    client, login, staff_user, partner_org, region
):
    login(staff_user)
    response = client.post(f"/staff/orgs/{partner_org.id}/region", data={"region": region})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(partner_org)
    assert partner_org.region is None


def test_the_list_shows_and_filters_by_region(client, login, staff_user, make_org):
    make_org(name="Euro Co", region="Europe")
    make_org(name="Yankee Co", region="North America")
    make_org(name="Nowhere Co")
    login(staff_user)
    html = client.get("/staff/orgs?sort=name").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a[^>]*>Euro Co</a>.*?</tr>", html, re.S)
    assert row is not None and "<td>Europe</td>" in row.group(0)
    only = client.get("/staff/orgs?region=North+America").get_data(as_text=True)
    assert re.findall(r'<td><a href="/staff/orgs/\d+">([^<]+)</a></td>', only) == ["Yankee Co"]
    by_region = client.get("/staff/orgs?sort=region").get_data(as_text=True)
    names = re.findall(r'<td><a href="/staff/orgs/\d+">([^<]+)</a></td>', by_region)
    assert names == ["Euro Co", "Yankee Co", "Nowhere Co"]  # no region last
