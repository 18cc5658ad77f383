"""The account forms carry a CSRF token and are refused without one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PASSWORD

_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def test_login_without_token_is_refused(client, partner_user):
    response = client.post("/login", data={"email": partner_user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_login_logout_and_team_invite_with_tokens(client, partner_admin):
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": partner_admin.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302

    # The session was renewed at login, so the old token is no longer valid...
    stale = client.post(
        "/team/invite",
        data={"email": "n@acme.example", "role": "partner_user", "csrf_token": token},
    )
    assert stale.status_code == 400
    # ...and the pages carry a new one.
    fresh = _token(client.get("/team").get_data(as_text=True))
    assert fresh != token
    response = client.post(
        "/team/invite",
        data={"email": "n@acme.example", "role": "partner_user", "csrf_token": fresh},
    )
    assert response.status_code == 302

    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": fresh}).status_code == 302
    assert client.get("/team").status_code == 302


@pytest.mark.parametrize("url", ["/reset", "/invite/some-token", "/reset/some-token"])
def test_other_account_forms_refuse_posts_without_token(client, url):
    assert client.post(url, data={"email": "x@acme.example"}).status_code == 400
