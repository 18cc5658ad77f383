"""With CSRF on, the staff and admin forms carry a token and go through; without one, 400."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from portal.accounts.models import Invite, Organization
from portal.extensions import db


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, f"no form posting to {action}"
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.group(0))
    assert match, f"the form posting to {action} has no CSRF token"
    return match.group(1)


def test_new_organisation_form_carries_a_token(client, login, staff_user):
    login(staff_user)
    data = {
        "name": "Token Co",
        "partner_type": "referral",
        "tier": "registered",
        "admin_email": "t@token.example",
    }
    assert client.post("/staff/orgs/new", data=data).status_code == 400

    token = _token(client.get("/staff/orgs/new").get_data(as_text=True), "/staff/orgs/new")
    response = client.post("/staff/orgs/new", data={**data, "csrf_token": token})

    assert response.status_code == 302
    assert db.session.scalar(sa.select(Organization.name)) == "Token Co"


def test_org_page_forms_carry_tokens(client, login, admin_user, partner_org, partner_user):
    login(admin_user)
    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    invite_action = f"/staff/orgs/{partner_org.id}/invites"
    deactivate_action = f"/admin/users/{partner_user.id}/deactivate"
    for action in (f"/staff/orgs/{partner_org.id}/tier", f"/admin/orgs/{partner_org.id}/suspend"):
        assert _token(html, action)

    response = client.post(
        invite_action,
        data={
            "email": "n@acme.example",
            "role": "partner_user",
            "csrf_token": _token(html, invite_action),
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Invite.email)) == "n@acme.example"

    response = client.post(deactivate_action, data={"csrf_token": _token(html, deactivate_action)})
    assert response.status_code == 302
    db.session.refresh(partner_user)
    assert not partner_user.active


def test_meeting_form_carries_a_token(client, login, staff_user, partner_org):
    from portal.db_types import utcnow
    from portal.staff.models import Meeting

    login(staff_user)
    action = f"/staff/orgs/{partner_org.id}/meetings"
    data = {"held_on": utcnow().date().isoformat(), "kind": "call"}
    assert client.post(action, data=data).status_code == 400

    token = _token(client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True), action)
    assert client.post(action, data={**data, "csrf_token": token}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1
