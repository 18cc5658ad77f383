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
