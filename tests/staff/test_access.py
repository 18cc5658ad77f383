"""Who may use the staff pages: staff and admins; partners get 403, anonymous users the login."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.audit.models import AuditEntry
from portal.extensions import db

# (method, url template); {org} is replaced with the partner organisation's id.
STAFF_ROUTES = [
    ("GET", "/staff/orgs"),
    ("GET", "/staff/orgs/new"),
    ("POST", "/staff/orgs/new"),
    ("GET", "/staff/orgs/{org}"),
    ("POST", "/staff/orgs/{org}/invites"),
    ("POST", "/staff/orgs/{org}/tier"),
]

VALID_POSTS = {
    "/staff/orgs/new": {
        "name": "Sneaky Co",
        "partner_type": "referral",
        "tier": "registered",
        "admin_email": "sneaky@example.com",
    },
    "/staff/orgs/{org}/invites": {"email": "sneaky@example.com", "role": "partner_admin"},
    "/staff/orgs/{org}/tier": {"tier": "gold"},
}


def _request(client, method, url, org_id):
    path = url.format(org=org_id)
    data = VALID_POSTS.get(url)
    return client.open(path, method=method, data=data)


@pytest.mark.parametrize(("method", "url"), STAFF_ROUTES)
@pytest.mark.parametrize("role", ["partner_user", "partner_admin"])
def test_partners_are_forbidden(request, client, login, partner_org, method, url, role):
    login(request.getfixturevalue(role))
    orgs_before = db.session.scalar(sa.select(sa.func.count(Organization.id)))

    response = _request(client, method, url, partner_org.id)

    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == orgs_before
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
    db.session.refresh(partner_org)
    assert partner_org.tier == "registered"


@pytest.mark.parametrize(("method", "url"), STAFF_ROUTES)
def test_anonymous_users_are_sent_to_login(client, partner_org, method, url):
    response = _request(client, method, url, partner_org.id)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "url"), [r for r in STAFF_ROUTES if r[0] == "GET"])
@pytest.mark.parametrize("role", ["staff_user", "admin_user"])
def test_staff_and_admins_see_the_pages(request, client, login, partner_org, method, url, role):
    login(request.getfixturevalue(role))
    response = _request(client, method, url, partner_org.id)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/staff/orgs/999999", "/staff/orgs/999999/invites", "/staff/orgs/999999/tier"]
)
def test_unknown_organisation_is_404(client, login, staff_user, url):
    login(staff_user)
    method = "GET" if url == "/staff/orgs/999999" else "POST"
    assert client.open(url, method=method, data={"tier": "gold"}).status_code == 404
