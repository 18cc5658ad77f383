"""Settings: production refuses to start without SECRET_KEY; development generates one once."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import ConfigError, load_settings


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings(tmp_path)


def test_production_with_secret_key_sets_secure_cookies(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("MAIL_BACKEND", "ses")
    settings = load_settings(tmp_path)
    assert settings["SECRET_KEY"] == "a-long-random-production-key"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CONTENT_AUTO_RELOAD"] is False
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_secret_key_once(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_settings(tmp_path)["SECRET_KEY"]
    second = load_settings(tmp_path)["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first


def test_defaults_use_sqlite_under_instance(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    settings = load_settings(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.sqlite'}"
    assert settings["MAIL_BACKEND"] == "log"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_bad_integer_setting_is_a_clear_error(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SMTP_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="SMTP_PORT must be an integer"):
        load_settings(tmp_path)


def test_production_refuses_the_log_mail_backend(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("MAIL_BACKEND", "log")
    with pytest.raises(ConfigError, match="MAIL_BACKEND=log"):
        load_settings(tmp_path)


def test_trusted_proxy_sets_the_client_address(app_config) -> None:
    from flask import request

    from portal import create_app

    app = create_app({**app_config, "TRUSTED_PROXY_HOPS": 1})
    seen = []

    @app.get("/whoami-for-test")
    def whoami():
        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get(
        "/whoami-for-test",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert seen == ["203.0.113.9"]
