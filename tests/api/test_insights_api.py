"""/api/v1/insights serves what /insights shows: the same figures, period and filters."""

from __future__ import annotations

from portal.api.tokens import PARTNER_SCOPES
from tests.api.helpers import bearer, token_for

URL = "/api/v1/insights"


def test_staff_read_the_pages_figures(
    client, login, admin_user, partner_admin, make_referral
) -> None:
    make_referral(partner_admin)
    staff = bearer(token_for(admin_user, "insights:read"))
    response = client.get(URL, headers=staff)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"] == "90"
    assert body["live"] is True  # no rollup has run in this database
    assert body["filters"] == {}
    assert {"recruitment", "pipeline", "commissions", "leads"} <= set(body["figures"])
    monthly = client.get(URL, query_string={"period": "30", "region": "Europe"}, headers=staff)
    assert monthly.status_code == 200, monthly.get_json()
    assert (monthly.get_json()["period"], monthly.get_json()["filters"]) == (
        "30",
        {"region": "Europe"},
    )
    # The page shows these figures for the same arguments.
    login(admin_user)
    page = client.get("/insights", query_string={"period": "30", "region": "Europe"})
    assert page.status_code == 200
    assert monthly.get_json()["period_label"] in page.get_data(as_text=True)


def test_unknown_arguments_are_refused_not_ignored(client, admin_user) -> None:
    staff = bearer(token_for(admin_user, "insights:read"))
    response = client.get(URL, query_string={"tier": "mythril", "period": "7"}, headers=staff)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]["query"]
    assert sorted(errors) == ["period", "tier"]
    assert "mythril" in errors["tier"][0]
    too_long = client.get(URL, query_string={"region": "x" * 101}, headers=staff)
    assert too_long.status_code == 422


def test_partner_tokens_never_read_the_program_figures(client, partner_admin) -> None:
    partner = bearer(token_for(partner_admin, *PARTNER_SCOPES))
    assert client.get(URL, headers=partner).status_code == 403
    assert client.get(URL).status_code == 401
