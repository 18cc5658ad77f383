"""With CSRF on (as in production), learning forms carry a token and posts without one fail."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_in(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_learning_forms_carry_a_csrf_token(login, partner_user) -> None:
    client = login(partner_user)
    url = "/learn/basics/welcome/complete"
    assert client.post(url).status_code == 400
    token = token_in(client.get("/learn/basics/welcome").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 303

    page = client.get("/learn/basics/qualifying").get_data(as_text=True)
    start = "/learn/basics/qualifying/attempts"
    assert client.post(start).status_code == 400
    assert client.post(start, data={"csrf_token": token_in(page)}).status_code == 303
    page = client.get("/learn/basics/qualifying").get_data(as_text=True)
    assert 'id="quiz"' in page and token_in(page)
