"""The API with hostile input and a valid token: never a 5xx, always a problem document, and a
refused submission stores nothing.

The cookie-driven sweep (tests/test_hostile_sweep.py) stops at the API's door (401): this
test sends the same hostile values (tests/hostile_values.py) past it, in every query
argument, every JSON field of a submission, the Idempotency-Key header and the URL segments.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.api.tokens import PARTNER_SCOPES, STAFF_SCOPES
from portal.extensions import db
from portal.referrals.models import Customer, Referral
from tests.api.helpers import bearer, referral_body, token_for
from tests.hostile_values import PATH_SEGMENTS, Raw, hostile_value

QUERY_NAMES = (
    *("after", "limit", "status", "organization_id", "updated_since", "q"),
    *("period", "type", "tier", "region"),  # /api/v1/insights
)
JSON_NAMES = (*referral_body(), "extra")
SWEEP = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _query(value: str) -> str:
    return value if isinstance(value, Raw) else quote(value, safe="")


def _checked(response: Any) -> int:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
    return response.status_code


def test_hostile_queries_and_paths(client, partner_admin, admin_user) -> None:
    tokens = [
        bearer(token_for(partner_admin, *PARTNER_SCOPES)),
        bearer(token_for(admin_user, *STAFF_SCOPES)),
    ]

    @SWEEP
    @given(
        name=st.sampled_from(QUERY_NAMES),
        value=hostile_value(),
        path=st.sampled_from(["/api/v1/referrals", "/api/v1/organizations", "/api/v1/insights"]),
    )
    def queries(name: str, value: str, path: str) -> None:
        for headers in tokens:
            _checked(client.get(f"{path}?{name}={_query(value)}", headers=headers))

    queries()
    for segment in PATH_SEGMENTS:
        for template in ("/api/v1/referrals/{}", "/api/v1/organizations/{}/certifications"):
            _checked(client.get(template.format(quote(segment, safe="")), headers=tokens[0]))


def test_hostile_submissions_store_nothing(client, partner_admin) -> None:
    headers = bearer(token_for(partner_admin, *PARTNER_SCOPES))
    json_values = st.one_of(
        hostile_value(),
        st.integers(-(2**70), 2**70),
        st.none(),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    )

    @SWEEP
    @given(name=st.sampled_from(JSON_NAMES), value=json_values, key=hostile_value(long=False))
    def submissions(name: str, value: Any, key: str) -> None:
        before = db.session.scalar(sa.select(sa.func.count(Referral.id)))
        body = {**referral_body(), name: value}
        # What an HTTP client can send at all: latin-1, no line breaks or NUL.
        safe_key = key.encode("latin-1", "replace").decode("latin-1")
        safe_key = "".join(" " if ch in "\r\n\x00" else ch for ch in safe_key)
        response = client.post(
            "/api/v1/referrals", json=body, headers={**headers, "Idempotency-Key": safe_key}
        )
        after = db.session.scalar(sa.select(sa.func.count(Referral.id)))
        assert after == before if _checked(response) >= 400 else after <= before + 1

    submissions()
    for raw in (b"[1, 2]", b'"text"', b"{", b"\xff\xfe", b"null"):
        response = client.post(
            "/api/v1/referrals",
            data=raw,
            content_type="application/json",
            headers={**headers, "Idempotency-Key": "raw"},
        )
        assert _checked(response) in (400, 422)


# The staff writes' bodies: (method, path after the referral, a valid body).
STAFF_WRITES = (
    ("PUT", "owner", {"owner_email": "ada@vendor.example"}),
    ("PUT", "deal-value", {"deal_value_minor": 4_800_000, "currency": "USD"}),
    ("POST", "outcome", {"outcome": "lost", "reason": "Budget cut.", "currency": "USD"}),
)


def test_hostile_staff_writes_and_customer_batches(
    client, admin_user, partner_user, make_referral
) -> None:
    headers = bearer(token_for(admin_user, *STAFF_SCOPES))
    referral = make_referral(partner_user)
    json_values = st.one_of(
        hostile_value(),
        st.integers(-(2**70), 2**70),
        st.none(),
        st.booleans(),
        st.lists(st.text(max_size=5), max_size=3),
    )

    @SWEEP
    @given(write=st.sampled_from(STAFF_WRITES), name=st.text(max_size=20), value=json_values)
    def writes(write: tuple[str, str, dict[str, Any]], name: str, value: Any) -> None:
        method, path, valid = write
        for key in (*valid, name):
            body = {**valid, key: value}
            url = f"/api/v1/referrals/{referral.reference}/{path}"
            _checked(client.open(url, method=method, json=body, headers=headers))
            db.session.rollback()

    writes()

    @SWEEP
    @given(field=st.sampled_from(["domain", "name", "extra"]), value=json_values)
    def batches(field: str, value: Any) -> None:
        before = db.session.scalar(sa.select(sa.func.count(Customer.id)))
        rows = [{"domain": "northwind-traders.com"}, {"domain": "contoso.com", field: value}]
        response = client.post(
            "/api/v1/customers/upsert", json={"customers": rows}, headers=headers
        )
        after = db.session.scalar(sa.select(sa.func.count(Customer.id)))
        assert after == before if _checked(response) >= 400 else after <= before + 2

    batches()
    for raw in (b'{"customers": {"0": {}}}', b'{"customers": [1, "x", null]}', b"[]"):
        response = client.post(
            "/api/v1/customers/upsert", data=raw, content_type="application/json", headers=headers
        )
        assert _checked(response) in (400, 422)
