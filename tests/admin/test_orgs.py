"""Suspending and reinstating organisations: sign-in blocked, sessions ended, audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.api import authenticate, reinstated_status
from portal.accounts.models import OrgStatus, Role
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from tests.conftest import PASSWORD, sign_in


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_suspension_blocks_sign_in_and_ends_sessions(
    app, client, login, admin_user, partner_org, partner_user, other_partner
):
    partner_client = app.test_client()
    sign_in(partner_client, partner_user)
    assert partner_client.get("/staff/orgs").status_code == 403  # signed in
    other_token = other_partner.session_token
    login(admin_user)

    response = client.post(f"/admin/orgs/{partner_org.id}/suspend")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/orgs/{partner_org.id}"
    db.session.refresh(partner_org)
    assert partner_org.status == OrgStatus.SUSPENDED
    assert authenticate(partner_user.email, PASSWORD) is None
    assert partner_client.get("/staff/orgs").headers["Location"].startswith("/login")
    db.session.refresh(other_partner)
    assert other_partner.session_token == other_token  # other organisations untouched
    assert authenticate(other_partner.email, PASSWORD) is not None

    [entry] = _entries()
    assert entry.action == "organization.suspended"
    assert entry.actor_id == admin_user.id
    assert (entry.target_type, entry.target_id) == ("organization", str(partner_org.id))
    assert entry.organization_id == partner_org.id
    assert (entry.before, entry.after) == ({"status": "onboarding"}, {"status": "suspended"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Acme Referrals was suspended." in page


def test_reinstating_an_activated_organisation_makes_it_active(
    client, login, admin_user, make_org, make_user
):
    org = make_org(status=OrgStatus.SUSPENDED, activated_at=utcnow())
    user = make_user(Role.PARTNER_USER, org)
    login(admin_user)

    response = client.post(f"/admin/orgs/{org.id}/reinstate")

    assert response.status_code == 302
    db.session.refresh(org)
    assert org.status == OrgStatus.ACTIVE
    assert authenticate(user.email, PASSWORD) is not None
    [entry] = _entries()
    assert entry.action == "organization.reinstated"
    assert (entry.before, entry.after) == ({"status": "suspended"}, {"status": "active"})


@pytest.mark.parametrize(
    ("activated", "with_member", "expected"),
    [
        (True, True, OrgStatus.ACTIVE),
        (False, True, OrgStatus.ONBOARDING),
        (False, False, OrgStatus.INVITED),
    ],
)
def test_reinstated_status(make_org, make_user, activated, with_member, expected):
    org = make_org(status=OrgStatus.SUSPENDED, activated_at=utcnow() if activated else None)
    if with_member:
        make_user(Role.PARTNER_ADMIN, org)
    assert reinstated_status(org) == expected


def test_suspend_then_reinstate_round_trip(client, login, admin_user, partner_org, partner_user):
    login(admin_user)
    client.post(f"/admin/orgs/{partner_org.id}/suspend")
    client.post(f"/admin/orgs/{partner_org.id}/suspend")  # already suspended: no entry
    client.post(f"/admin/orgs/{partner_org.id}/reinstate")
    response = client.post(f"/admin/orgs/{partner_org.id}/reinstate")  # not suspended

    db.session.refresh(partner_org)
    assert partner_org.status == OrgStatus.ONBOARDING
    assert [e.action for e in _entries()] == ["organization.suspended", "organization.reinstated"]
    assert "was not suspended" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("action", "done"), [("suspend", "suspended"), ("reinstate", "reinstated")]
)
def test_a_refused_transition_is_explained_not_a_server_error(
    client, login, admin_user, make_org, action, done
):
    org = make_org(name="Odd Co", status="archived")  # a status the lifecycle does not know
    login(admin_user)

    response = client.post(f"/admin/orgs/{org.id}/{action}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/orgs/{org.id}"
    db.session.refresh(org)
    assert org.status == "archived"
    assert _entries() == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Odd Co is archived, so it cannot be {done}." in page
