"""Settings that name a backend need its client library: check each one when the app starts.

Without this check a missing client shows up as a traceback from deep inside a library
(limits' "'redis' prerequisite not available") on the first command an operator runs; with
it, the portal refuses to start with one line that names the package to install.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from portal.config import PROJECT_ROOT, ConfigError, load_settings

__all__ = [
    "DATABASE_DRIVER_REQUIREMENTS",
    "RATE_LIMIT_CLIENTS",
    "Client",
    "check_backends",
    "check_environment",
]


@dataclass(frozen=True)
class Client:
    """A backend's client library: the module it imports and the pip requirement that brings it."""

    module: str
    requirement: str


BOTO3 = Client("boto3", "boto3")
_REDIS = Client("redis", "flask-limiter[redis]")
_VALKEY = Client("valkey", "flask-limiter[valkey]")

# RATELIMIT_STORAGE_URI schemes, without a "+variant" (redis+cluster, mongodb+srv...).
RATE_LIMIT_CLIENTS: dict[str, Client | None] = {
    "memory": None,
    "redis": _REDIS,
    "rediss": _REDIS,
    "valkey": _VALKEY,
    "valkeys": _VALKEY,
    "memcached": Client("pymemcache", "flask-limiter[memcached]"),
    "mongodb": Client("pymongo", "flask-limiter[mongodb]"),
}

# SQLAlchemy drivers whose pip package is not named like the driver.
DATABASE_DRIVER_REQUIREMENTS = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "mysqldb": "mysqlclient",
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _require(setting: str, uses: str, client: Client) -> None:
    if not _installed(client.module):
        raise ConfigError(
            f"{setting} uses {uses}, but the {client.module!r} package is not installed: "
            f"pip install '{client.requirement}'"
        )


def _check_rate_limit_storage(uri: str) -> None:
    scheme = uri.partition("://")[0].strip().lower()
    family = scheme.partition("+")[0]
    if "://" not in uri or family not in RATE_LIMIT_CLIENTS:
        known = ", ".join(f"{name}://" for name in RATE_LIMIT_CLIENTS)
        raise ConfigError(f"RATELIMIT_STORAGE_URI must start with one of {known}; got {scheme!r}")
    client = RATE_LIMIT_CLIENTS[family]
    if client is not None:
        _require("RATELIMIT_STORAGE_URI", family, client)


def _check_database(uri: str) -> None:
    try:
        url = sa.make_url(uri)
        dialect = url.get_dialect()
    except NoSuchModuleError as exc:  # a subclass of ArgumentError
        raise ConfigError(f"DATABASE_URL names an unknown database {url.drivername!r}") from exc
    except ArgumentError as exc:
        raise ConfigError("DATABASE_URL is not a database URL (dialect+driver://...)") from exc
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        uses = f"{url.get_backend_name()}+{dialect.driver}"
        requirement = DATABASE_DRIVER_REQUIREMENTS.get(dialect.driver, dialect.driver)
        module = getattr(exc, "name", None) or dialect.driver
        hint = ""
        if url.get_backend_name() == "postgresql" and dialect.driver != "psycopg":
            hint = ", or write postgresql+psycopg:// to use the driver the portal installs"
        raise ConfigError(
            f"DATABASE_URL uses {uses}, but the {module!r} package is not installed: "
            f"pip install '{requirement}'{hint}"
        ) from exc


def check_backends(config: Mapping[str, Any]) -> None:
    """Raise ConfigError, naming the pip package, when a setting names an absent client."""
    if config.get("RATELIMIT_ENABLED", True):
        _check_rate_limit_storage(str(config.get("RATELIMIT_STORAGE_URI") or "memory://"))
    _check_database(str(config["SQLALCHEMY_DATABASE_URI"]))
    if str(config.get("MAIL_BACKEND", "")).strip().lower() == "ses":
        _require("MAIL_BACKEND", "ses", BOTO3)
    if str(config.get("ASSET_STORAGE", "")).strip().lower().startswith("s3://"):
        _require("ASSET_STORAGE", "s3", BOTO3)


def check_environment() -> None:
    """Read the settings from the environment and check them as the app does at start."""
    check_backends(load_settings(PROJECT_ROOT / "instance"))
