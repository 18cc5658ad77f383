"""The REST API as an integration uses it: tokens, scoping, submission, lists, errors."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.api.models import ApiToken
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import registration
from portal.referrals.models import Referral
from tests.api.helpers import bearer, referral_body, token_for
from tests.conftest import sign_in

PROBLEM = "application/problem+json"


def test_no_token_is_401_problem(client) -> None:
    response = client.get("/api/v1/referrals")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


def test_session_cookie_alone_is_401(client, partner_admin) -> None:
    sign_in(client, partner_admin)
    assert client.get("/referrals").status_code == 200  # the cookie works on pages
    response = client.get("/api/v1/referrals")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_missing_scope_is_403(client, partner_admin) -> None:
    secret = token_for(partner_admin, "org:read")
    response = client.get("/api/v1/referrals", headers=bearer(secret))
    assert response.status_code == 403
    assert "referrals:read" in response.get_json()["detail"]


def test_submit_is_idempotent_and_audited(client, partner_admin) -> None:
    secret = token_for(partner_admin, "referrals:write", "referrals:read")
    headers = {**bearer(secret), "Idempotency-Key": "crm-lead-4711"}
    first = client.post("/api/v1/referrals", json=referral_body(), headers=headers)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    # The same body in another key order and with the optional phone left out: the same body.
    reordered = dict(reversed(list(referral_body(contact_phone="").items())))
    again = client.post("/api/v1/referrals", json=reordered, headers=headers)
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    body = first.get_json()
    assert body["status"] == "submitted"
    assert [event["kind"] for event in body["timeline"]] == ["submitted"]
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 1
    writes = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "api.write"))
    assert [entry.after["operation"] for entry in writes] == [
        "submit referral",
        "retry a submitted referral",
    ]


def test_a_reused_key_with_another_body_is_refused(client, partner_admin, other_partner) -> None:
    headers = {
        **bearer(token_for(partner_admin, "referrals:write")),
        "Idempotency-Key": "crm-lead-4712",
    }
    first = client.post("/api/v1/referrals", json=referral_body(), headers=headers)
    assert first.status_code == 201
    changed = referral_body(company_name="Contoso Ltd", company_website="contoso.example")
    reused = client.post("/api/v1/referrals", json=changed, headers=headers)
    assert reused.status_code == 422
    assert reused.mimetype == PROBLEM
    problem = reused.get_json()
    assert "different request body" in problem["detail"]
    assert "Idempotency-Key" in problem["errors"]["headers"]
    # One value changed is a different body too; the first referral is untouched.
    subtle = client.post(
        "/api/v1/referrals", json=referral_body(estimated_value="48001"), headers=headers
    )
    assert subtle.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 1
    assert db.session.scalar(sa.select(Referral.company_name)) == "Northwind Traders"
    # Keys belong to an organisation: another organisation may use the same one.
    theirs = client.post(
        "/api/v1/referrals",
        json=changed,
        headers={
            **bearer(token_for(other_partner, "referrals:write")),
            "Idempotency-Key": "crm-lead-4712",
        },
    )
    assert theirs.status_code == 201
    assert theirs.get_json()["company_name"] == "Contoso Ltd"


def test_submit_runs_the_conflict_check(client, partner_admin, staff_user) -> None:
    registration.add_customer_domain("northwind-traders.com", "Northwind", staff_user.id)
    db.session.commit()
    secret = token_for(partner_admin, "referrals:write")
    response = client.post(
        "/api/v1/referrals",
        json=referral_body(),
        headers={**bearer(secret), "Idempotency-Key": "k1"},
    )
    assert response.status_code == 201
    assert response.get_json()["status"] == "conflict"


def test_submit_uses_the_forms_rules(client, partner_admin) -> None:
    secret = token_for(partner_admin, "referrals:write")
    headers = {**bearer(secret), "Idempotency-Key": "k2"}
    response = client.post(
        "/api/v1/referrals",
        json=referral_body(region="Atlantis", company_website="ftp://x"),
        headers=headers,
    )
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    errors = response.get_json()["errors"]["json"]
    assert errors["region"] == ["Choose the customer's region."]
    assert "company_website" in errors
    missing_key = client.post("/api/v1/referrals", json=referral_body(), headers=bearer(secret))
    assert missing_key.status_code == 422
    assert "Idempotency-Key" in missing_key.get_json()["errors"]["headers"]
    too_long = client.post(
        "/api/v1/referrals", json=referral_body(company_name="x" * 5000), headers=headers
    )
    assert too_long.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0


def test_partner_reads_only_its_own(
    client, partner_user, partner_admin, other_partner, make_referral
) -> None:
    mine = make_referral(partner_user)
    theirs = make_referral(other_partner)
    secret = token_for(partner_admin, "referrals:read")
    listed = client.get("/api/v1/referrals", headers=bearer(secret)).get_json()
    assert [item["reference"] for item in listed["items"]] == [mine.reference]
    assert (
        client.get(f"/api/v1/referrals/{theirs.reference}", headers=bearer(secret)).status_code
        == 404
    )
    detail = client.get(f"/api/v1/referrals/{mine.reference}", headers=bearer(secret)).get_json()
    assert all(event["partner_visible"] for event in detail["timeline"])


def test_staff_list_pages_with_a_cursor_and_filters(
    client, admin_user, partner_user, other_partner, make_referral
) -> None:
    first = make_referral(partner_user, now=utcnow() - timedelta(days=3))
    second = make_referral(other_partner)
    third = make_referral(partner_user)
    secret = token_for(admin_user, "referrals:read")
    page = client.get("/api/v1/referrals?limit=2", headers=bearer(secret)).get_json()
    assert [i["reference"] for i in page["items"]] == [first.reference, second.reference]
    rest = client.get(
        f"/api/v1/referrals?limit=2&after={page['next_cursor']}", headers=bearer(secret)
    ).get_json()
    assert [i["reference"] for i in rest["items"]] == [third.reference]
    assert rest["next_cursor"] is None
    since = (utcnow() - timedelta(days=1)).isoformat()
    recent = client.get(
        "/api/v1/referrals", query_string={"updated_since": since}, headers=bearer(secret)
    ).get_json()
    assert [i["reference"] for i in recent["items"]] == [second.reference, third.reference]
    one_org = client.get(
        f"/api/v1/referrals?organization_id={other_partner.organization_id}",
        headers=bearer(secret),
    ).get_json()
    assert [i["reference"] for i in one_org["items"]] == [second.reference]


def test_organizations_and_commissions(
    client, partner_admin, partner_user, staff_user, other_org, make_won_referral
) -> None:
    won, commission = make_won_referral(partner_user, staff_user)
    secret = token_for(partner_admin, "org:read", "commissions:read")
    orgs = client.get("/api/v1/organizations", headers=bearer(secret)).get_json()
    assert [org["id"] for org in orgs["items"]] == [partner_admin.organization_id]
    assert (
        client.get(f"/api/v1/organizations/{other_org.id}", headers=bearer(secret)).status_code
        == 404
    )
    commissions = client.get("/api/v1/commissions", headers=bearer(secret)).get_json()
    assert [(c["referral"], c["amount_minor"]) for c in commissions] == [
        (won.reference, commission.amount_minor)
    ]


def test_dead_tokens_are_refused(client, partner_admin) -> None:
    secret = token_for(partner_admin, "org:read")
    assert client.get("/api/v1/organizations", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    assert token is not None and token.last_used_at is not None
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/organizations", headers=bearer(secret)).status_code == 401
    token.expires_at = utcnow() + timedelta(days=1)
    partner_admin.active = False
    db.session.commit()
    assert client.get("/api/v1/organizations", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/organizations", headers=bearer("fw_" + "x" * 500)).status_code == 401


def test_token_is_stored_hashed(partner_admin) -> None:
    secret = token_for(partner_admin, "org:read")
    token = db.session.scalar(sa.select(ApiToken))
    assert token is not None
    assert secret not in (token.secret_hash, token.prefix) and secret.startswith(token.prefix)


def test_unknown_api_path_is_a_problem(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_openapi_document_is_3_1_with_scopes(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    create = document["paths"]["/api/v1/referrals"]["post"]
    assert create["security"] == [{"bearerAuth": ["referrals:write"]}]
    assert (
        "application/problem+json" in document["components"]["responses"]["UNAUTHORIZED"]["content"]
    )


def test_reference_page_lists_every_operation_and_its_scopes(app, client, partner_user) -> None:
    sign_in(client, partner_user)
    html = client.get("/developers/api").get_data(as_text=True)
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":  # shared by the path's operations
                continue
            assert f"{method.upper()} {path}" in html
            for scope in operation["security"][0]["bearerAuth"]:
                assert scope in html
    assert "Idempotency-Key" in html and "ReferralCreate" in html
