"""Schemathesis against the live OpenAPI document: every operation, a token of each scope.

Generated from /api/v1/openapi.json as the app serves it (over WSGI, no mock). Every scope
has a token holding only that scope, of each kind that may hold it (partner, staff). Each
example of an operation is sent with the single-scope tokens of the scope the operation's
security names, a token of the other kind holding all its scopes (a 403 for a scope that kind
never has), and a token with one unrelated scope (the 403 path). Failures counted: server
errors, responses that break their schema, undocumented status codes or content types. The
number of examples is bounded so the suite keeps its two-minute budget.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.accounts.models import Role
from portal.api.tokens import PARTNER_SCOPES, STAFF_SCOPES
from tests.api.helpers import bearer, token_for
from tests.conftest import new_org, new_referral, new_user, new_won_referral

EXAMPLES = 10
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def tokens(app) -> dict[str, dict[str, str]]:
    """Headers by name: "partner:<scope>", "staff:<scope>", "partner", "staff"."""
    org = new_org(name="Acme")
    admin = new_user(Role.PARTNER_ADMIN, org, email="alex@acme.example")
    staff_admin = new_user(Role.ADMIN, None, email="ada@vendor.example")
    new_referral(admin)
    new_won_referral(admin, staff_admin)
    new_referral(new_user(Role.PARTNER_ADMIN, new_org(name="Globex")))
    found = {
        "partner": bearer(token_for(admin, *PARTNER_SCOPES)),
        "staff": bearer(token_for(staff_admin, *STAFF_SCOPES)),
    }
    for scope in PARTNER_SCOPES:
        found[f"partner:{scope}"] = bearer(token_for(admin, scope))
    for scope in STAFF_SCOPES:
        found[f"staff:{scope}"] = bearer(token_for(staff_admin, scope))
    return found


def _callers(tokens: dict[str, dict[str, str]], scopes: list[str]) -> list[dict[str, str]]:
    """The single-scope tokens of the operation's scope, both full tokens, an unrelated one."""
    (scope,) = scopes
    singles = [tokens[name] for name in (f"partner:{scope}", f"staff:{scope}") if name in tokens]
    unrelated = "partner:commissions:read" if scope == "org:read" else "partner:org:read"
    full = [tokens[kind] for kind in ("partner", "staff") if f"{kind}:{scope}" not in tokens]
    return [*singles, *full, tokens[unrelated]]


def test_every_scope_has_an_operation(api_schema) -> None:
    named = {
        scope
        for item in api_schema.raw_schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for requirement in operation.get("security", [])
        for scope in requirement.get("bearerAuth", [])
    }
    assert named == {*PARTNER_SCOPES, *STAFF_SCOPES}


def test_api_conforms_to_its_document(api_schema, tokens) -> None:
    """Every operation of the document, a bounded number of generated requests each.

    Hypothesis runs inside the test (one strategy per operation, from schemathesis) rather
    than through schemathesis' lazy pytest fixture, whose node-id rewriting pytest 9 broke.
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    paths = api_schema.raw_schema["paths"]

    for operation in operations:
        security = paths[operation.path][operation.method.lower()]["security"]
        _conforms(operation, _callers(tokens, security[0]["bearerAuth"]))


def _conforms(operation, callers: list[dict[str, str]]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=operation.as_strategy())
    def conforms(case) -> None:
        for headers in callers:
            case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)

    conforms()
