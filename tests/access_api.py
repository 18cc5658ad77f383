"""Route table for the API and its token pages (merged into tests/test_access.py ACCESS).

The matrix signs roles in with the session cookie: on /api/v1 a cookie is never read, so every
role gets 401 there, like anonymous. What tokens of each role get is tests/api/test_api_access.py.
"""

from __future__ import annotations

from tests.access_helpers import Route, admins, everyone, partner_admins, signed_in

ROUTES: dict[str, Route] = {
    "api_meta.index": Route("/api/v1/", everyone(200)),
    "api_meta.openapi_json": Route("/api/v1/openapi.json", everyone(200)),
    "api_meta.reference": Route("/developers/api", signed_in(200)),
    "api_referrals.list_referrals": Route("/api/v1/referrals", everyone(401)),
    "api_referrals.create_referral": Route("/api/v1/referrals", everyone(401), "POST"),
    "api_referrals.get_referral": Route("/api/v1/referrals/{referral_ref}", everyone(401)),
    "api_organizations.list_organizations": Route("/api/v1/organizations", everyone(401)),
    "api_organizations.get_organization": Route("/api/v1/organizations/{org_id}", everyone(401)),
    "api_organizations.list_certifications": Route(
        "/api/v1/organizations/{org_id}/certifications", everyone(401)
    ),
    "api_organizations.list_commissions": Route("/api/v1/commissions", everyone(401)),
    "api_inbox.add_note": Route("/api/v1/referrals/{referral_ref}/notes", everyone(401), "POST"),
    "api_inbox.advance": Route("/api/v1/referrals/{referral_ref}/advance", everyone(401), "POST"),
    "api_inbox.assign_owner": Route("/api/v1/referrals/{referral_ref}/owner", everyone(401), "PUT"),
    "api_inbox.record_deal_value": Route(
        "/api/v1/referrals/{referral_ref}/deal-value", everyone(401), "PUT"
    ),
    "api_inbox.record_outcome": Route(
        "/api/v1/referrals/{referral_ref}/outcome", everyone(401), "POST"
    ),
    "api_customers.upsert": Route("/api/v1/customers/upsert", everyone(401), "POST"),
    "api_insights.figures": Route("/api/v1/insights", everyone(401)),
    "api_tokens.partner_tokens": Route("/team/api-tokens", partner_admins()),
    # No token 999 in the world: the partner admins' own list is searched, so 404.
    "api_tokens.partner_revoke": Route("/team/api-tokens/999/revoke", partner_admins(404), "POST"),
    "api_tokens.staff_tokens": Route("/admin/api-tokens", admins(200)),
    "api_tokens.staff_revoke": Route("/admin/api-tokens/999/revoke", admins(404), "POST"),
}
