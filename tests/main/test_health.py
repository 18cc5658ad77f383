"""/healthz: content version and database reachability."""

from __future__ import annotations

from unittest import mock

from sqlalchemy.exc import OperationalError

from portal.content_runtime import current_content


def test_healthy(client, app) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "status": "ok",
        "content_version": current_content().version,
        "content_newer_edit_failed": False,
        "database": "ok",
    }


def test_database_unreachable_answers_503(client) -> None:
    failure = OperationalError("SELECT 1", {}, Exception("connection refused"))
    with mock.patch("portal.extensions.db.session.execute", side_effect=failure):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_security_headers_on_every_response(client) -> None:
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_cached(client, login, partner_user) -> None:
    login(partner_user)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_only_over_https(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://portal.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
