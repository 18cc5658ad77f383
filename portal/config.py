"""Settings from environment variables: one place, documented defaults.

Every setting here is listed with its default in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment cannot produce a working configuration."""


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _development_secret_key(instance_path: Path) -> str:
    """Generate a secret key once into instance/ so sessions survive restarts in development."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(instance_path: Path) -> dict[str, Any]:
    """Read every setting from the environment, applying the documented defaults."""
    portal_env = os.environ.get("PORTAL_ENV", "development").strip().lower()
    production = portal_env == "production"

    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production (PORTAL_ENV=production) the portal "
                "refuses to start without it: set SECRET_KEY to a long random string, "
                "for example: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        secret_key = _development_secret_key(instance_path)

    mail_backend = os.environ.get("MAIL_BACKEND", "log").strip().lower()
    if production and mail_backend == "log":
        raise ConfigError(
            "MAIL_BACKEND=log only writes e-mails to the log, so invitations and password "
            "resets would never reach anyone. In production set MAIL_BACKEND to smtp or ses."
        )

    default_db = f"sqlite:///{instance_path / 'portal.sqlite'}"
    return {
        "PORTAL_ENV": portal_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_db,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CONTENT_DIR": os.environ.get("CONTENT_DIR") or str(PROJECT_ROOT / "content"),
        # Development rebuilds the content index when a file under CONTENT_DIR changes.
        "CONTENT_AUTO_RELOAD": _env_bool("CONTENT_AUTO_RELOAD", not production),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_BACKEND": mail_backend,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Flywheel Partner Portal <partners@example.com>"),
        # Where new referrals are announced (the partner team's shared inbox).
        "PARTNER_TEAM_EMAIL": os.environ.get("PARTNER_TEAM_EMAIL", "partner-team@example.com"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _env_int("SMTP_PORT", 25),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _env_bool("SMTP_STARTTLS", False),
        "SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 10),
        "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
        "SES_ENDPOINT_URL": os.environ.get("SES_ENDPOINT_URL", ""),
        # Kit files: "local" (streamed from CONTENT_DIR) or "s3://bucket/prefix" (presigned URLs).
        "ASSET_STORAGE": os.environ.get("ASSET_STORAGE", "local"),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        "ASSET_URL_SECONDS": _env_int("ASSET_URL_SECONDS", 300),
        # Files partners upload (co-marketing pieces, MDF proof), stored beside the kit files: with
        # ASSET_STORAGE=local in this folder, with s3:// in the same bucket under uploads/.
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        # The public directory's contact form: per visitor address, per partner per day, and
        # the seconds a person needs at least to fill it in (portal/directory/contact.py).
        "DIRECTORY_CONTACT_RATE_LIMIT": os.environ.get(
            "DIRECTORY_CONTACT_RATE_LIMIT", "5 per hour;20 per day"
        ),
        "DIRECTORY_CONTACT_DAILY_CAP": _env_int("DIRECTORY_CONTACT_DAILY_CAP", 25),
        "DIRECTORY_CONTACT_MIN_SECONDS": _env_int("DIRECTORY_CONTACT_MIN_SECONDS", 3),
        # How long a worker reuses the directory's sitemap.xml (it tells caches an hour anyway).
        "DIRECTORY_SITEMAP_CACHE_SECONDS": _env_int("DIRECTORY_SITEMAP_CACHE_SECONDS", 300),
        # Hashed copies of portal/static with their .gz/.br, written at start (static_files.py).
        "STATIC_BUILD_DIR": os.environ.get("STATIC_BUILD_DIR") or str(instance_path / "static"),
        "OUTBOX_BATCH_SIZE": _env_int("OUTBOX_BATCH_SIZE", 50),
        "OUTBOX_MAX_ATTEMPTS": _env_int("OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_POLL_SECONDS": _env_int("OUTBOX_POLL_SECONDS", 5),
        # Webhooks (portal/webhooks): each attempt's deadline; retries for about three days;
        # an endpoint failing every attempt for WEBHOOK_DISABLE_AFTER_HOURS (and at least
        # ..._FAILURES times in a row) is disabled; a rotated secret signs alongside the new one
        # for WEBHOOK_SECRET_OVERLAP_HOURS. WEBHOOK_ALLOWED_HOSTS (comma-separated host names or
        # addresses) may be private: by default webhooks only reach public addresses.
        "WEBHOOK_ALLOWED_HOSTS": os.environ.get("WEBHOOK_ALLOWED_HOSTS", ""),
        "WEBHOOK_TIMEOUT_SECONDS": _env_int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_RETRY_HOURS": _env_int("WEBHOOK_RETRY_HOURS", 72),
        "WEBHOOK_DISABLE_AFTER_HOURS": _env_int("WEBHOOK_DISABLE_AFTER_HOURS", 72),
        "WEBHOOK_DISABLE_AFTER_FAILURES": _env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 10),
        "WEBHOOK_SECRET_OVERLAP_HOURS": _env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24),
        "WEBHOOK_BATCH_SIZE": _env_int("WEBHOOK_BATCH_SIZE", 20),
        "WEBHOOK_POLL_SECONDS": _env_int("WEBHOOK_POLL_SECONDS", 5),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT_PER_ADDRESS": os.environ.get(
            "LOGIN_RATE_LIMIT_PER_ADDRESS", "20 per minute;200 per hour"
        ),
        "LOGIN_RATE_LIMIT_PER_ACCOUNT": os.environ.get(
            "LOGIN_RATE_LIMIT_PER_ACCOUNT", "5 per minute;30 per hour"
        ),
        "RESET_RATE_LIMIT_PER_EMAIL": os.environ.get(
            "RESET_RATE_LIMIT_PER_EMAIL", "5 per minute;30 per hour"
        ),
        "INVITE_VALID_DAYS": _env_int("INVITE_VALID_DAYS", 7),
        "PASSWORD_RESET_VALID_MINUTES": _env_int("PASSWORD_RESET_VALID_MINUTES", 60),
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Sign-in lifetime (portal/accounts/sessions.py checks the bounds at start).
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 8 * 60),
        "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
        "REMEMBER_DAYS": _env_int("REMEMBER_DAYS", 14),
        # The remember-me cookie is the portal's own (issued time inside, signed), not
        # Flask-Login's; the name is shared so Flask-Login's sign-out clears it too.
        "REMEMBER_COOKIE_NAME": "remember_me",
        "REMEMBER_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Forms fit in 1 MB: anything larger is refused (413), except the customer-list upload.
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 1024 * 1024),
        # The form fields of a request, files aside (413 above it). The longest form, a
        # referral with 4,000 characters of need, fits even in Chinese or Japanese (36 KB as
        # percent-escaped UTF-8); what is larger is refused before it is decoded, and decoding
        # costs about 0.1 ms per kilobyte (bench/hostile_input.py).
        "MAX_FORM_MEMORY_SIZE": _env_int("MAX_FORM_MEMORY_SIZE", 48 * 1024),
        # The query string (414 above it): filters, a search and a cursor are far shorter.
        "MAX_QUERY_STRING_LENGTH": _env_int("MAX_QUERY_STRING_LENGTH", 8 * 1024),
        # A co-marketing piece a partner uploads for approval: 10 MB holds a print-ready PDF
        # flyer or a press kit DOCX with images; larger is refused before it is read (413).
        "COMARKETING_MAX_BYTES": _env_int("COMARKETING_MAX_BYTES", 10 * 1024 * 1024),
        # The customer-list CSV a member of staff may upload: 8 MB is about 140,000 lines of a
        # CRM export (name, website and a few other columns), imported in a few seconds.
        "CUSTOMER_IMPORT_MAX_BYTES": _env_int("CUSTOMER_IMPORT_MAX_BYTES", 8 * 1024 * 1024),
        # One MDF proof file (invoice, photo, attendee list); a claim carries at most 7 files.
        "MDF_PROOF_MAX_BYTES": _env_int("MDF_PROOF_MAX_BYTES", 5 * 1024 * 1024),
        # A compliance document (tax form, insurance certificate): a scanned multi-page PDF
        # fits in 10 MB; larger is refused before it is read (413).
        "COMPLIANCE_DOCUMENT_MAX_BYTES": _env_int(
            "COMPLIANCE_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024
        ),
        # Proxies in front of the app (load balancer, ingress) whose X-Forwarded-* headers
        # are trusted; the client address behind them keys the login rate limits.
        "TRUSTED_PROXY_HOPS": _env_int("TRUSTED_PROXY_HOPS", 0),
        # Single sign-on: hosts (or host:port) the server may ask over http and at private
        # addresses, e.g. an identity provider inside the network; every other issuer must be
        # https at a public address (portal/sso/provider_http.py).
        "SSO_ALLOWED_HOSTS": [
            host.strip().lower()
            for host in os.environ.get("SSO_ALLOWED_HOSTS", "").split(",")
            if host.strip()
        ],
    }
