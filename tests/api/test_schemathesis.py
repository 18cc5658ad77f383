"""Schemathesis against the live OpenAPI document: every operation, a token of each kind.

Generated from /api/v1/openapi.json as the app serves it (over WSGI, no mock), each example
is sent with a partner token holding every partner scope, a staff token holding every staff
scope, and a token with one unrelated scope (the 403 path). Failures counted: server errors,
responses that break their schema, undocumented status codes or content types. The number of
examples is bounded so the suite keeps its two-minute budget.
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
def tokens(app) -> list[dict[str, str]]:
    org = new_org(name="Acme")
    admin = new_user(Role.PARTNER_ADMIN, org, email="alex@acme.example")
    staff_admin = new_user(Role.ADMIN, None, email="ada@vendor.example")
    new_referral(admin)
    new_won_referral(admin, staff_admin)
    new_referral(new_user(Role.PARTNER_ADMIN, new_org(name="Globex")))
    return [
        bearer(token_for(admin, *PARTNER_SCOPES)),
        bearer(token_for(staff_admin, *STAFF_SCOPES)),
        bearer(token_for(admin, "org:read")),
    ]


def test_api_conforms_to_its_document(api_schema, tokens) -> None:
    """Every operation of the document, a bounded number of generated requests each.

    Hypothesis runs inside the test (one strategy per operation, from schemathesis) rather
    than through schemathesis' lazy pytest fixture, whose node-id rewriting pytest 9 broke.
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def conforms(case) -> None:
            for headers in tokens:
                case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)

        conforms()
