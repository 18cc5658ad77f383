"""Hostile input gets a clear 4xx, never a 500: huge ids, NUL bytes, oversized bodies."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/staff/orgs/99999999999999999999"),
        ("get", "/certificates/9223372036854775808"),
        ("post", "/admin/users/99999999999999999999/deactivate"),
        ("post", "/staff/certifications/99999999999999999999/revoke"),
        ("post", "/learn/basics/qualifying/attempts/99999999999999999999"),
    ],
)
def test_ids_too_large_for_the_database_are_not_found(
    client, login, admin_user, method: str, url: str
) -> None:
    login(admin_user)
    assert getattr(client, method)(url).status_code == 404


def test_nul_bytes_are_refused_with_a_message(client) -> None:
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)
    assert client.get("/verify/abc%00def").status_code == 400


def test_oversized_bodies_are_refused(client) -> None:
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 2_000_000})
    assert response.status_code == 413


def test_unexpected_errors_show_a_calm_page(app, client) -> None:
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("unexpected")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Internal Server Error" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
