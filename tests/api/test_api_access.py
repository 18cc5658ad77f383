"""Every API operation by every kind of caller: no token 401, a missing scope 403, another
organisation's object 404, and what each token may read.

A route added to the API without a row here fails the first test.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.api.tokens import PARTNER_SCOPES, STAFF_SCOPES
from tests.api.helpers import bearer, referral_body, token_for
from tests.conftest import new_certification

API_BLUEPRINTS = (
    "api_referrals.",
    "api_organizations.",
    "api_inbox.",
    "api_customers.",
    "api_insights.",
)
CALLERS = ("none", "partner", "other_partner", "staff", "unscoped")

# endpoint -> (method, url, the scope it needs, outcome per caller except none and unscoped)
TABLE: dict[str, tuple[str, str, str, dict[str, int]]] = {
    "api_referrals.list_referrals": (
        "GET", "/api/v1/referrals", "referrals:read",
        {"partner": 200, "other_partner": 200, "staff": 200},
    ),
    "api_referrals.create_referral": (
        "POST", "/api/v1/referrals", "referrals:write",
        {"partner": 201, "other_partner": 201, "staff": 403},
    ),
    "api_referrals.get_referral": (
        "GET", "/api/v1/referrals/{ref}", "referrals:read",
        {"partner": 200, "other_partner": 404, "staff": 200},
    ),
    "api_organizations.list_organizations": (
        "GET", "/api/v1/organizations", "org:read",
        {"partner": 200, "other_partner": 200, "staff": 200},
    ),
    "api_organizations.get_organization": (
        "GET", "/api/v1/organizations/{org_id}", "org:read",
        {"partner": 200, "other_partner": 404, "staff": 200},
    ),
    "api_organizations.list_certifications": (
        "GET", "/api/v1/organizations/{org_id}/certifications", "org:read",
        {"partner": 200, "other_partner": 404, "staff": 200},
    ),
    "api_organizations.list_commissions": (
        "GET", "/api/v1/commissions", "commissions:read",
        {"partner": 200, "other_partner": 200, "staff": 403},
    ),
    "api_inbox.add_note": (
        "POST", "/api/v1/referrals/{ref}/notes", "inbox:write",
        {"partner": 403, "other_partner": 403, "staff": 201},
    ),
    # Not accepted yet: the inbox's own refusal, as a 409.
    "api_inbox.advance": (
        "POST", "/api/v1/referrals/{ref}/advance", "inbox:write",
        {"partner": 403, "other_partner": 403, "staff": 409},
    ),
    "api_inbox.assign_owner": (
        "PUT", "/api/v1/referrals/{ref}/owner", "inbox:write",
        {"partner": 403, "other_partner": 403, "staff": 200},
    ),
    "api_inbox.record_deal_value": (
        "PUT", "/api/v1/referrals/{ref}/deal-value", "inbox:write",
        {"partner": 403, "other_partner": 403, "staff": 200},
    ),
    # Not accepted yet: lost is refused as the inbox refuses it, a 409.
    "api_inbox.record_outcome": (
        "POST", "/api/v1/referrals/{ref}/outcome", "inbox:write",
        {"partner": 403, "other_partner": 403, "staff": 409},
    ),
    "api_customers.upsert": (
        "POST", "/api/v1/customers/upsert", "customers:write",
        {"partner": 403, "other_partner": 403, "staff": 200},
    ),
    "api_insights.figures": (
        "GET", "/api/v1/insights", "insights:read",
        {"partner": 403, "other_partner": 403, "staff": 200},
    ),
}  # fmt: skip

# A valid body for each operation that takes one.
BODIES: dict[str, dict[str, Any]] = {
    "api_inbox.add_note": {"message": "Called the contact."},
    "api_inbox.assign_owner": {"owner_email": "ada@vendor.example"},
    "api_inbox.record_deal_value": {"deal_value_minor": 4_800_000},
    "api_inbox.record_outcome": {"outcome": "lost", "reason": "Budget cut."},
    "api_customers.upsert": {"customers": [{"domain": "northwind-traders.com"}]},
}


def test_every_api_operation_is_in_the_table(app: Flask) -> None:
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(
            (
                "api_referrals.",
                "api_organizations.",
                "api_inbox.",
                "api_customers.",
                "api_insights.",
            )
        )
    }
    assert endpoints == set(TABLE)


@pytest.fixture
def callers(partner_admin, partner_user, other_partner, admin_user, make_referral) -> dict:
    referral = make_referral(partner_user)
    new_certification(partner_user)
    return {
        "headers": {
            "none": {},
            "partner": bearer(token_for(partner_admin, *PARTNER_SCOPES)),
            "other_partner": bearer(token_for(other_partner, *PARTNER_SCOPES)),
            "staff": bearer(token_for(admin_user, *STAFF_SCOPES)),
        },
        "partner_admin": partner_admin,
        "admin": admin_user,
        "ids": {"ref": referral.reference, "org_id": partner_admin.organization_id},
    }


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_api_access_by_caller(app: Flask, callers: dict[str, Any], endpoint: str) -> None:
    method, url, scope, outcomes = TABLE[endpoint]
    url = url.format(**callers["ids"])
    # A partner token holding every scope but the one this operation needs.
    others = [s for s in PARTNER_SCOPES if s != scope]
    headers = {
        **callers["headers"],
        "unscoped": bearer(token_for(callers["partner_admin"], *others)),
    }
    expected = {**outcomes, "none": 401, "unscoped": 403}
    for n, caller in enumerate(CALLERS):
        client = app.test_client()
        extra = {"Idempotency-Key": f"matrix-{n}"} if method != "GET" else {}
        body = referral_body() if endpoint == "api_referrals.create_referral" else None
        body = BODIES.get(endpoint, body)
        response = client.open(url, method=method, headers={**headers[caller], **extra}, json=body)
        assert response.status_code == expected[caller], (
            f"{endpoint} as {caller}: {response.status_code} {response.get_data(as_text=True)}"
        )
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json"
