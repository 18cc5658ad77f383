"""Deactivating and reactivating people: sessions end, sign-in refused, every change audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.api import AccountError, authenticate, deactivate_user
from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.conftest import PASSWORD, sign_in


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_deactivation_ends_sessions_and_sign_in(app, admin_user, partner_user):
    partner_client = app.test_client()
    sign_in(partner_client, partner_user)
    assert partner_client.get("/staff/orgs").status_code == 403  # signed in, not staff
    old_token = partner_user.session_token
    admin_client = app.test_client()
    sign_in(admin_client, admin_user)

    response = admin_client.post(f"/admin/users/{partner_user.id}/deactivate")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/orgs/{partner_user.organization_id}"
    db.session.refresh(partner_user)
    assert not partner_user.active
    assert partner_user.session_token != old_token
    # The partner's next request is anonymous: a protected page sends them to the login.
    response = partner_client.get("/staff/orgs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert authenticate(partner_user.email, PASSWORD) is None

    [entry] = _entries()
    assert entry.action == "user.deactivated"
    assert entry.actor_id == admin_user.id
    assert (entry.target_type, entry.target_id) == ("user", str(partner_user.id))
    assert entry.organization_id == partner_user.organization_id
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})


def test_reactivation_lets_them_sign_in_again(client, login, admin_user, make_user, partner_org):
    user = make_user(Role.PARTNER_USER, partner_org, active=False)
    assert authenticate(user.email, PASSWORD) is None
    login(admin_user)

    response = client.post(f"/admin/users/{user.id}/reactivate")

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active
    assert authenticate(user.email, PASSWORD) is not None
    [entry] = _entries()
    assert entry.action == "user.reactivated"
    assert (entry.before, entry.after) == ({"active": False}, {"active": True})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{user.email} can sign in again." in page


def test_repeating_an_action_changes_nothing(client, login, admin_user, partner_user):
    login(admin_user)
    client.post(f"/admin/users/{partner_user.id}/deactivate")
    response = client.post(f"/admin/users/{partner_user.id}/deactivate")
    assert response.status_code == 302
    assert "was already inactive" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(f"/admin/users/{partner_user.id}/reactivate")
    client.post(f"/admin/users/{partner_user.id}/reactivate")
    assert [e.action for e in _entries()] == ["user.deactivated", "user.reactivated"]


def test_admins_cannot_deactivate_themselves(client, login, admin_user):
    login(admin_user)
    token = admin_user.session_token

    response = client.post(f"/admin/users/{admin_user.id}/deactivate")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.count("You cannot deactivate your own account.") == 1
    db.session.refresh(admin_user)
    assert admin_user.active
    assert admin_user.session_token == token
    assert _entries() == []


def test_service_refuses_self_deactivation(app, admin_user):
    with pytest.raises(AccountError, match="your own account"):
        deactivate_user(admin_user, admin_user)
    assert admin_user.active


def test_staff_accounts_page_lists_staff_with_controls(
    client, login, admin_user, staff_user, make_user
):
    make_user(Role.STAFF, None, email="<b>bold</b>@vendor.example", name="<b>Bold</b>")
    login(admin_user)

    html = client.get("/admin/users").get_data(as_text=True)

    assert "sam@vendor.example" in html and "ada@vendor.example" in html
    assert f"/admin/users/{staff_user.id}/deactivate" in html
    assert f"/admin/users/{admin_user.id}/deactivate" not in html  # not for yourself
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_deactivating_staff_returns_to_staff_accounts(client, login, admin_user, staff_user):
    login(admin_user)
    response = client.post(f"/admin/users/{staff_user.id}/deactivate")
    assert response.headers["Location"] == "/admin/users"
    db.session.refresh(staff_user)
    assert not staff_user.active
