"""Bearer tokens on every API request: who is calling, with which scopes, how often.

The API reads no cookie: a request is authenticated by its `Authorization: Bearer` header
alone, so it is exempt from CSRF (a browser cannot attach the header to a cross-site request
without a CORS preflight, and the API answers none). A session cookie on its own gets 401.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, request
from flask_limiter.util import get_remote_address

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.api.problems import ApiProblem
from portal.api.tokens import TOKEN_MAX, WRITE_SCOPES, authenticate
from portal.audit.service import record_audit
from portal.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "audit_write",
    "current_token",
    "current_user",
    "limit_api",
    "rate_limit",
    "rate_limit_key",
]

# "Bearer " and a token; a longer header is refused before anything reads it.
_HEADER_MAX = len("Bearer ") + TOKEN_MAX


def _presented() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header or len(header) > _HEADER_MAX:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_limit() -> str:
    """Requests per token (API_RATE_LIMIT, e.g. "600 per minute")."""
    return str(current_app.config.get("API_RATE_LIMIT", "600 per minute"))


def rate_limit_key() -> str:
    """Per presented token (its digest, so the limiter never stores a secret), else per address.

    Read before the view runs and without the database. Made-up tokens are held back by the
    per-address limit on failed authentication (limit_api).
    """
    presented = _presented()
    if presented is None:
        return f"api-anon:{get_remote_address()}"
    return "api-token:" + hashlib.sha256(presented.encode()).hexdigest()[:32]


def failed_auth_limit() -> str:
    """Requests refused for want of a valid token, per address (API_FAILED_AUTH_LIMIT)."""
    return str(current_app.config.get("API_FAILED_AUTH_LIMIT", "30 per minute"))


def failed_auth_key() -> str:
    return f"api-failed:{get_remote_address()}"


def limit_api(bp: Blueprint) -> None:
    """Both limits on an API blueprint: each presented token has its budget, and each address
    may fail authentication only so often. Without the second, every made-up token string would
    open a fresh budget, each costing an HMAC and a database read."""
    limiter.limit(rate_limit, key_func=rate_limit_key)(bp)
    limiter.limit(
        failed_auth_limit,
        key_func=failed_auth_key,
        deduct_when=lambda response: response.status_code == 401,
    )(bp)


def token_required(*scopes: str) -> Callable[[F], F]:
    """A live token holding every scope named: else 401 (no valid token) or 403 (scope)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            presented = _presented()
            token = authenticate(presented) if presented else None
            if token is None:
                raise ApiProblem(401, "Send a valid API token as 'Authorization: Bearer <token>'.")
            missing = [scope for scope in scopes if scope not in token.scope_list]
            if missing:
                raise ApiProblem(403, f"This token lacks the scope {', '.join(missing)}.")
            g.api_token = token
            return view(*args, **kwargs)

        # The operation's security in the OpenAPI document: OpenAPI 3.1 lets a bearer
        # scheme name the scopes (roles) it needs.
        doc = vars(wrapped).setdefault("_apidoc", {})
        doc["manual_doc"] = {**doc.get("manual_doc", {}), "security": [{"bearerAuth": [*scopes]}]}
        # Read by tests/test_access.py (every view declares who may use it).
        vars(wrapped)["access"] = "token:" + " ".join(scopes)
        vars(wrapped)["api_scopes"] = scopes
        return wrapped  # type: ignore[return-value]

    return decorator


def current_token() -> ApiToken:
    """The request's token (inside a view under `token_required`)."""
    token: ApiToken = g.api_token
    return token


def current_user() -> User:
    """The person the token acts as: its creator, whose role was checked on this request."""
    return current_token().created_by


def is_staff_token() -> bool:
    return current_token().organization_id is None


def audit_write(scope: str, operation: str, target_type: str, target_id: object) -> None:
    """The audit entry for one use of a write scope, in the transaction of the change."""
    if scope not in WRITE_SCOPES:  # pragma: no cover - a programming error, not input
        raise ValueError(f"{scope} is not a write scope")
    token = current_token()
    record_audit(
        token.created_by,
        "api.write",
        target_type,
        target_id,
        organization_id=token.organization_id,
        after={"token": token.name, "scope": scope, "operation": operation},
    )
