"""A setting that names a backend whose client is missing stops the portal with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.prerequisites import check_backends

ROOT = Path(__file__).resolve().parent.parent
REDIS_MISSING = (
    "RATELIMIT_STORAGE_URI uses redis, but the 'redis' package is not installed: "
    "pip install 'flask-limiter[redis]'"
)


def _settings(**overrides: Any) -> dict[str, Any]:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "MAIL_BACKEND": "smtp",
        "ASSET_STORAGE": "local",
        **overrides,
    }


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make `import module` fail as it does when the package is not installed."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_redis_storage_without_the_redis_package_names_the_extra(app_config, monkeypatch):
    _hide(monkeypatch, "redis")
    config = {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://h:6379/0"}
    with pytest.raises(ConfigError) as raised:
        create_app(config)
    assert str(raised.value) == REDIS_MISSING


@pytest.mark.parametrize(
    ("uri", "module", "requirement"),
    [
        ("rediss://h:6380/0", "redis", "flask-limiter[redis]"),
        ("redis+sentinel://h:26379/main", "redis", "flask-limiter[redis]"),
        ("valkey://h:6379", "valkey", "flask-limiter[valkey]"),
        ("memcached://h:11211", "pymemcache", "flask-limiter[memcached]"),
        ("mongodb+srv://h/limits", "pymongo", "flask-limiter[mongodb]"),
    ],
)
def test_each_rate_limit_backend_names_its_package(monkeypatch, uri, module, requirement):
    _hide(monkeypatch, module)
    with pytest.raises(ConfigError, match=rf"the '{module}' package is not installed"):
        check_backends(_settings(RATELIMIT_STORAGE_URI=uri))
    with pytest.raises(ConfigError) as raised:
        check_backends(_settings(RATELIMIT_STORAGE_URI=uri))
    assert str(raised.value).endswith(f"pip install '{requirement}'")


def test_redis_storage_with_the_client_installed_starts(app_config):
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://h:6379/0"}
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://h:6379/0"


def test_memory_storage_and_disabled_limits_need_no_client(monkeypatch):
    _hide(monkeypatch, "redis")
    check_backends(_settings(RATELIMIT_STORAGE_URI="memory://"))
    check_backends(_settings(RATELIMIT_ENABLED=False, RATELIMIT_STORAGE_URI="redis://h:6379/0"))


def test_unknown_rate_limit_scheme_is_refused_without_echoing_the_uri():
    with pytest.raises(ConfigError) as raised:
        check_backends(_settings(RATELIMIT_STORAGE_URI="redsi://:hunter2@h:6379/0"))
    assert "RATELIMIT_STORAGE_URI must start with one of memory://, redis://" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_postgresql_without_psycopg_names_the_package(monkeypatch):
    _hide(monkeypatch, "psycopg")
    url = "postgresql+psycopg://portal:secret@db.internal:5432/portal"
    with pytest.raises(ConfigError) as raised:
        check_backends(_settings(SQLALCHEMY_DATABASE_URI=url))
    assert str(raised.value) == (
        "DATABASE_URL uses postgresql+psycopg, but the 'psycopg' package is not installed: "
        "pip install 'psycopg[binary]'"
    )


def test_another_postgresql_driver_points_at_the_installed_one(monkeypatch):
    _hide(monkeypatch, "psycopg2")
    with pytest.raises(ConfigError) as raised:
        check_backends(_settings(SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://h/db"))
    assert "pip install 'psycopg2-binary', or write postgresql+psycopg://" in str(raised.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "DATABASE_URL is not a database URL"),
        ("oracel://h/db", "DATABASE_URL names an unknown database 'oracel'"),
    ],
)
def test_unusable_database_url_is_one_line(url, message):
    with pytest.raises(ConfigError, match=message):
        check_backends(_settings(SQLALCHEMY_DATABASE_URI=url))


@pytest.mark.parametrize(
    ("settings", "setting"),
    [({"MAIL_BACKEND": "ses"}, "MAIL_BACKEND"), ({"ASSET_STORAGE": "s3://b/p"}, "ASSET_STORAGE")],
)
def test_ses_and_s3_without_boto3_name_it(monkeypatch, settings, setting):
    _hide(monkeypatch, "boto3")
    with pytest.raises(ConfigError) as raised:
        check_backends(_settings(**settings))
    assert str(raised.value).startswith(f"{setting} uses ")
    assert str(raised.value).endswith("the 'boto3' package is not installed: pip install 'boto3'")
    check_backends(_settings())  # smtp and local files need no boto3


# The commands an operator runs, with `redis` hidden as if it were not installed.
HIDE_REDIS = (
    "import sys; sys.modules['redis'] = None; sys.argv = {argv!r}; "
    "from {module} import {main}; {main}()"
)


def _run_without_redis(module: str, main: str, argv: list[str], tmp_path: Path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite'}",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    code = HIDE_REDIS.format(argv=argv, module=module, main=main)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_flask_cli_prints_one_line_not_a_traceback(tmp_path):
    result = _run_without_redis("flask.cli", "main", ["flask", "db", "upgrade"], tmp_path)
    assert result.returncode == 4
    assert result.stderr == f"Error: {REDIS_MISSING}\n"
    assert not (tmp_path / "portal.sqlite").exists()


def test_gunicorn_refuses_to_start_with_one_line(tmp_path):
    argv = ["gunicorn", "-w", "2", "-b", "127.0.0.1:0", "wsgi:app"]
    result = _run_without_redis("gunicorn.app.wsgiapp", "run", argv, tmp_path)
    assert result.returncode == 1
    assert f"Error: {REDIS_MISSING}\n" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
