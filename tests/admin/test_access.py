"""Admin pages are for admins: partners and staff get 403, anonymous users the login."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db

# (method, url template); {org} and {user} are the partner organisation and its user.
ADMIN_ROUTES = [
    ("GET", "/admin/audit"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users/{user}/deactivate"),
    ("POST", "/admin/users/{user}/reactivate"),
    ("POST", "/admin/orgs/{org}/suspend"),
    ("POST", "/admin/orgs/{org}/reinstate"),
]


def _open(client, method, url, org, user):
    return client.open(url.format(org=org.id, user=user.id), method=method)


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
@pytest.mark.parametrize("role", ["partner_user", "partner_admin", "staff_user"])
def test_non_admins_are_forbidden(
    request, client, login, partner_org, other_partner, method, url, role
):
    login(request.getfixturevalue(role))

    response = _open(client, method, url, partner_org, other_partner)

    assert response.status_code == 403
    db.session.refresh(other_partner)
    db.session.refresh(partner_org)
    assert other_partner.active
    assert partner_org.status == "onboarding"
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
def test_anonymous_users_are_sent_to_login(client, partner_org, partner_user, method, url):
    response = _open(client, method, url, partner_org, partner_user)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", ["/admin/audit", "/admin/users"])
def test_admins_see_the_pages(client, login, admin_user, url):
    login(admin_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/999999/deactivate",
        "/admin/users/999999/reactivate",
        "/admin/orgs/999999/suspend",
        "/admin/orgs/999999/reinstate",
    ],
)
def test_unknown_ids_are_404(client, login, admin_user, url):
    login(admin_user)
    assert client.post(url).status_code == 404
