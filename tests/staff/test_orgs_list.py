"""The staff organisation list: columns, filters, pagination, statements per page, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.extensions import db
from portal.staff.service import ORGS_PER_PAGE, list_organizations

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def _add_orgs(count: int, members_each: int = 2, prefix: str = "Org") -> list[Organization]:
    """Organisations created a day apart (later index = newer), each with members."""
    orgs = []
    for i in range(count):
        org = Organization(
            name=f"{prefix} {i:03d}",
            partner_type="reseller" if i % 2 else "referral",
            tier="silver",
            status=OrgStatus.ACTIVE if i % 3 == 0 else OrgStatus.ONBOARDING,
            created_at=BASE_TIME + timedelta(days=i),
            activated_at=BASE_TIME + timedelta(days=i + 1) if i % 3 == 0 else None,
        )
        db.session.add(org)
        for j in range(members_each):
            db.session.add(
                User(
                    email=f"{prefix.lower()}{i}-{j}@example.com",
                    role=Role.PARTNER_USER,
                    organization=org,
                    active=j != 0 or members_each == 1,
                )
            )
        orgs.append(org)
    db.session.commit()
    return orgs


def _names(html: str, prefix: str = "Org") -> list[str]:
    return re.findall(rf">({prefix} \d{{3}})</a>", html)


def test_list_shows_columns_newest_first(client, login, staff_user):
    _add_orgs(3, members_each=3)
    login(staff_user)

    response = client.get("/staff/orgs")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _names(html) == ["Org 002", "Org 001", "Org 000"]
    assert "Reseller" in html and "Referral partner" in html  # names from program.yml
    assert "Silver" in html
    assert "02 Jan 2024" in html  # Org 000 activated a day after creation
    # Two of three members are active in each organisation.
    assert re.findall(r"<td>(\d+)</td>\s*</tr>", html) == ["2", "2", "2"]


def test_member_counts_come_from_the_service(app):
    orgs = _add_orgs(2, members_each=3)
    page = list_organizations()
    counts = {row.organization.id: row.member_count for row in page.rows}
    assert counts == {orgs[0].id: 2, orgs[1].id: 2}
    assert not page.has_next and page.is_first


def test_filters_by_status_and_type(client, login, staff_user):
    _add_orgs(6)
    login(staff_user)

    active = _names(client.get("/staff/orgs?status=active").get_data(as_text=True))
    assert active == ["Org 003", "Org 000"]

    resellers = _names(client.get("/staff/orgs?type=reseller").get_data(as_text=True))
    assert resellers == ["Org 005", "Org 003", "Org 001"]

    both = _names(client.get("/staff/orgs?status=active&type=reseller").get_data(as_text=True))
    assert both == ["Org 003"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "Not a valid choice"),
        ("type=<script>", "Not a valid choice"),
        ("page=0", "Choose a page from 1 to"),
        ("page=100000", "Choose a page from 1 to"),
        ("page=abc", "Not a valid integer"),
    ],
)
def test_invalid_filters_show_a_message_and_no_filtering(client, login, staff_user, query, message):
    _add_orgs(2)
    login(staff_user)

    response = client.get(f"/staff/orgs?{query}")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert _names(html) == ["Org 001", "Org 000"]
    assert "<script>" not in html.split("<main", 1)[1]


def test_pagination(client, login, staff_user):
    _add_orgs(ORGS_PER_PAGE + 5, members_each=1)
    login(staff_user)

    first = client.get("/staff/orgs").get_data(as_text=True)
    assert len(_names(first)) == ORGS_PER_PAGE
    assert _names(first)[0] == f"Org {ORGS_PER_PAGE + 4:03d}"
    assert 'href="/staff/orgs?page=2"' in first
    assert 'rel="prev"' not in first

    second = client.get("/staff/orgs?page=2").get_data(as_text=True)
    assert _names(second) == [f"Org {i:03d}" for i in range(4, -1, -1)]
    assert 'rel="next"' not in second
    assert 'href="/staff/orgs?page=1"' in second


def test_pagination_links_keep_the_filters(client, login, staff_user):
    _add_orgs(2 * ORGS_PER_PAGE + 2, members_each=1)
    login(staff_user)
    html = client.get("/staff/orgs?type=referral").get_data(as_text=True)
    assert "page=2" in html and "type=referral" in html
    assert "status=" not in html.split('class="pager"', 1)[1]


def test_htmx_request_gets_only_the_results(client, login, staff_user):
    _add_orgs(2)
    login(staff_user)
    response = client.get("/staff/orgs?status=onboarding", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="org-results">')
    assert "<html" not in html
    assert _names(html) == ["Org 001"]


def test_statement_count_does_not_grow_with_organisations(client, login, staff_user, count_queries):
    login(staff_user)
    _add_orgs(3, members_each=2, prefix="Few")
    with count_queries() as few:
        assert client.get("/staff/orgs").status_code == 200

    _add_orgs(ORGS_PER_PAGE + 10, members_each=3, prefix="Many")
    with count_queries() as many:
        assert client.get("/staff/orgs").status_code == 200

    assert len(many) == len(few)
    assert len(many) <= 5


def test_organisation_names_are_escaped(client, login, staff_user, make_org):
    make_org(name="<script>alert(1)</script>")
    login(staff_user)
    html = client.get("/staff/orgs").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_htmx_history_restore_gets_the_whole_page(client, login, staff_user):
    login(staff_user)
    response = client.get(
        "/staff/orgs", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
