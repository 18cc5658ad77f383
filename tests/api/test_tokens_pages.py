"""The token pages: created by admins, shown once, listed without the secret, revoked."""

from __future__ import annotations

import re

from flask import Flask

from tests.api.helpers import bearer

TOKEN = re.compile(r"fw_[A-Za-z0-9_-]{43}")


def test_partner_admin_creates_uses_and_revokes_a_token(app: Flask, login, partner_admin) -> None:
    client = login(partner_admin)
    created = client.post(
        "/team/api-tokens",
        data={"name": "CRM sync", "scopes": ["referrals:read", "org:read"], "days": "90"},
    )
    assert created.status_code == 201
    secret = TOKEN.search(created.get_data(as_text=True)).group(0)
    listed = client.get("/team/api-tokens").get_data(as_text=True)
    assert "CRM sync" in listed and secret not in listed
    api = app.test_client()  # no cookie: the token alone
    assert api.get("/api/v1/referrals", headers=bearer(secret)).status_code == 200
    token_id = re.search(r"/team/api-tokens/(\d+)/revoke", listed).group(1)
    assert client.post(f"/team/api-tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/referrals", headers=bearer(secret)).status_code == 401


def test_partner_cannot_grant_staff_scopes(login, partner_admin) -> None:
    client = login(partner_admin)
    refused = client.post(
        "/team/api-tokens", data={"name": "x", "scopes": ["inbox:write"], "days": "90"}
    )
    assert refused.status_code == 422
    assert not TOKEN.search(refused.get_data(as_text=True))


def test_staff_admin_token_reads_every_organisation(
    app: Flask, login, admin_user, partner_org, other_org
) -> None:
    page = login(admin_user).post(
        "/admin/api-tokens", data={"name": "CRM", "scopes": ["org:read"], "days": "30"}
    )
    secret = TOKEN.search(page.get_data(as_text=True)).group(0)
    orgs = app.test_client().get("/api/v1/organizations", headers=bearer(secret)).get_json()
    assert {org["id"] for org in orgs["items"]} == {partner_org.id, other_org.id}
