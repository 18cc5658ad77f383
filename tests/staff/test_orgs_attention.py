"""The organisation list's attention flags, tier filter and sortable columns."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.staff.service import list_organizations
from tests.conftest import new_certification, new_referral

NOW = utcnow()


def _org(name: str, tier: str = "registered", status: str = OrgStatus.ACTIVE, **fields):
    org = Organization(name=name, partner_type="referral", tier=tier, status=status, **fields)
    db.session.add(org)
    db.session.commit()
    return org


def _member(org, last_login=None, active=True):
    user = User(
        email=f"{org.name.lower().replace(' ', '')}{org.id}-{last_login}@example.com",
        role=Role.PARTNER_USER,
        organization=org,
        active=active,
        last_login_at=last_login,
    )
    user.set_password("x" * 12)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def world(app):
    """Quiet (nobody signed in for 40 days), Expiring (a certificate ends in 10 days),
    Stalled (a referral answered and then left for 20 days), Healthy (none of these)."""
    quiet = _org("Quiet Co", created_at=NOW - timedelta(days=90))
    _member(quiet, NOW - timedelta(days=40))
    expiring = _org("Expiring Co", tier="silver", created_at=NOW - timedelta(days=80))
    person = _member(expiring, NOW - timedelta(days=1))
    new_certification(person, age=timedelta(days=355), valid=timedelta(days=365))
    stalled = _org("Stalled Co", tier="gold", created_at=NOW - timedelta(days=70))
    seller = _member(stalled, NOW - timedelta(days=2))
    referral = new_referral(seller)
    referral.first_responded_at = NOW - timedelta(days=20)
    referral.next_due_at = NOW - timedelta(days=6)
    healthy = _org("Healthy Co", tier="silver", created_at=NOW - timedelta(days=60))
    _member(healthy, NOW - timedelta(hours=3))
    _member(healthy, NOW - timedelta(days=5))
    invited = _org("Invited Co", status=OrgStatus.INVITED, created_at=NOW - timedelta(days=1))
    db.session.commit()
    return {o.name: o.id for o in (quiet, expiring, stalled, healthy, invited)}


def _names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/staff/orgs/\d+">([^<]+)</a></td>', html)


def test_each_flag_is_shown_and_links_to_the_organisation(client, login, staff_user, world):
    html = login(staff_user).get("/staff/orgs").get_data(as_text=True)
    for name, flag in (
        ("Quiet Co", "No sign-in in 30 days"),
        ("Expiring Co", "Certificate expiring"),
        ("Stalled Co", "Pipeline stalled"),
    ):
        row = re.search(rf"<tr>\s*<td><a[^>]*>{name}</a>.*?</tr>", html, re.S).group(0)
        assert f'href="/staff/orgs/{world[name]}">{flag}' in row, row
    healthy = re.search(r"<tr>\s*<td><a[^>]*>Healthy Co</a>.*?</tr>", html, re.S).group(0)
    assert "badge-warn" not in healthy
    invited = re.search(r"<tr>\s*<td><a[^>]*>Invited Co</a>.*?</tr>", html, re.S).group(0)
    assert "No sign-in" not in invited  # nobody can sign in there yet


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("no_login", ["Quiet Co"]), ("cert_expiring", ["Expiring Co"]), ("stalled", ["Stalled Co"])],
)
def test_filtering_by_a_flag(client, login, staff_user, world, flag, expected):
    html = login(staff_user).get(f"/staff/orgs?flag={flag}").get_data(as_text=True)
    assert _names(html) == expected


def test_filtering_by_tier(client, login, staff_user, world):
    html = login(staff_user).get("/staff/orgs?tier=silver&sort=name").get_data(as_text=True)
    assert _names(html) == ["Expiring Co", "Healthy Co"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name", ["Expiring Co", "Healthy Co", "Invited Co", "Quiet Co", "Stalled Co"]),
        (
            "sort=name&dir=desc",
            ["Stalled Co", "Quiet Co", "Invited Co", "Healthy Co", "Expiring Co"],
        ),
        ("sort=last_login", ["Healthy Co", "Expiring Co", "Stalled Co", "Quiet Co", "Invited Co"]),
        ("sort=members", ["Healthy Co", "Stalled Co", "Expiring Co", "Quiet Co", "Invited Co"]),
        (
            "sort=tier&dir=desc",
            ["Stalled Co", "Healthy Co", "Expiring Co", "Invited Co", "Quiet Co"],
        ),
        ("", ["Invited Co", "Healthy Co", "Stalled Co", "Expiring Co", "Quiet Co"]),
    ],
)
def test_sorting_by_a_column(client, login, staff_user, world, query, expected):
    html = login(staff_user).get(f"/staff/orgs?{query}").get_data(as_text=True)
    assert _names(html) == expected


def test_the_sorted_column_says_so_and_its_link_reverses_it(client, login, staff_user, world):
    html = login(staff_user).get("/staff/orgs?sort=name&tier=silver").get_data(as_text=True)
    header = re.search(r'<th scope="col" aria-sort="ascending">(.*?)</th>', html, re.S).group(1)
    assert "Organisation" in header
    assert "sort=name" in header and "dir=desc" in header and "tier=silver" in header


def test_sorting_by_attention_puts_flagged_organisations_first(app, world):
    rows = list_organizations(sort="attention").rows
    flagged = [row.organization.name for row in rows if row.flags]
    assert (
        [row.organization.name for row in rows[:3]]
        == flagged
        == sorted(flagged, key=[r.organization.name for r in rows].index)
    )
    assert {row.organization.name for row in rows[3:]} == {"Healthy Co", "Invited Co"}


@pytest.mark.parametrize("query", ["flag=bogus", "sort=password", "dir=sideways", "tier=platinum"])
def test_unknown_choices_are_refused_with_a_message(client, login, staff_user, world, query):
    response = login(staff_user).get(f"/staff/orgs?{query}")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
