"""The referral form over HTTP: a valid submission, every bad input, double submits."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.models import Referral

KEY = "0123456789abcdef0123456789abcdef"


def form_data(**fields: Any) -> dict[str, Any]:
    """A valid posted referral form; override any field (None leaves it out)."""
    data = {
        "company_name": "Northwind Traders Ltd",
        "company_website": "www.northwind-traders.co.uk",
        "contact_name": "Dana Whitfield",
        "contact_email": "dana@northwind-traders.co.uk",
        "contact_phone": "+44 20 7946 0958",
        "contact_role": "VP Revenue Operations",
        "region": "Europe",
        "estimated_value": "48,000.50",
        "estimated_currency": "USD",
        "expected_timing": "3-6",
        "customer_need": "Forecasts live in spreadsheets; they want one pipeline view.",
        "involvement": "sourced",
        "consent": "y",
        "idempotency_key": KEY,
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def _referral_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Referral))


def test_the_form_renders_with_a_fresh_key_and_the_live_hint(login, partner_user):
    client = login(partner_user)
    first = client.get("/referrals/new").get_data(as_text=True)
    second = client.get("/referrals/new").get_data(as_text=True)
    keys = [re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', page)
            for page in (first, second)]  # fmt: skip
    assert all(keys) and keys[0].group(1) != keys[1].group(1)
    assert 'hx-get="/referrals/hint"' in first
    assert 'aria-live="polite"' in first
    assert "North America" in first and "Europe" in first
    assert '<option selected value="USD">' in first


def test_a_valid_referral_is_stored_and_confirmed(login, partner_user):
    client = login(partner_user)
    response = client.post("/referrals/new", data=form_data())
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert _referral_count() == 1
    assert response.headers["Location"] == f"/referrals/{referral.reference}/submitted"
    assert referral.organization_id == partner_user.organization_id
    assert referral.company_website == "https://www.northwind-traders.co.uk"
    assert referral.estimated_value_minor == 4_800_050
    assert referral.contact_phone == "+44 20 7946 0958"
    assert referral.idempotency_key == KEY

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert referral.reference in page
    assert referral.first_response_due_at.strftime("%d %b %Y, %H:%M UTC") in page
    assert "48 hours" in page
    assert "due in 1 d 23 h" in page or "due in 2 d" in page
    assert "Northwind Traders Ltd" in page  # the organisation's list


def test_same_key_twice_gives_one_referral(login, partner_user):
    client = login(partner_user)
    first = client.post("/referrals/new", data=form_data())
    second = client.post("/referrals/new", data=form_data(company_name="Changed on retry"))
    assert _referral_count() == 1
    assert first.headers["Location"] == second.headers["Location"]


def test_another_key_is_another_referral(login, partner_user):
    client = login(partner_user)
    client.post("/referrals/new", data=form_data())
    client.post("/referrals/new", data=form_data(idempotency_key="f" * 32))
    assert _referral_count() == 2


def test_a_conflict_is_confirmed_as_under_review_without_naming_anyone(
    login, other_partner, partner_user, make_referral
):
    make_referral(other_partner, company_website="https://northwind-traders.co.uk")
    client = login(partner_user)
    response = client.post("/referrals/new", data=form_data())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "under review under the" in page
    assert "rules of engagement" in page and 'href="/program/rules"' in page
    assert other_partner.organization.name not in page
    assert other_partner.name not in page


BAD_INPUT = [
    ("company_name", "", "Enter the company&#39;s name."),
    ("company_name", "   ", "Enter the company&#39;s name."),
    ("company_name", "x" * 201, "Keep it under 200 characters."),
    ("company_website", "javascript:alert(1)", "starts with https:// or http://"),
    ("company_website", "acme dot com", "no spaces"),
    ("company_website", "intranet", "with a domain name"),
    ("company_website", "a" * 290 + ".example.com", "Keep it under 300 characters."),
    ("contact_name", "", "Enter the name of the person"),
    ("contact_name", "x" * 201, "Keep it under 200 characters."),
    ("contact_email", "", "Enter the contact&#39;s e-mail address."),
    ("contact_email", "dana.northwind.example", "Enter an e-mail address such as"),
    ("contact_email", "dana@", "Enter an e-mail address such as"),
    ("contact_email", "Dana <dana@northwind.example.com>", "Enter an e-mail address such as"),
    ("contact_email", "x" * 250 + "@a.com", "Keep it under 254 characters."),
    ("contact_phone", "call me maybe", "Enter a phone number"),
    ("contact_phone", "1" * 51, "Keep it under 50 characters."),
    ("contact_role", "", "Enter the contact&#39;s role"),
    ("contact_role", "x" * 201, "Keep it under 200 characters."),
    ("region", "", "Choose the customer&#39;s region."),
    ("region", "Atlantis", "Choose the customer&#39;s region."),
    ("region", None, "Choose the customer&#39;s region."),
    ("estimated_value", "", "Enter an estimate"),
    ("estimated_value", "-100", "cannot be negative"),
    ("estimated_value", "lots", "Enter a number such as 48000"),
    ("estimated_value", "1e9", "Enter a number such as 48000"),
    ("estimated_value", "10.999", "at most 2 decimal places"),
    ("estimated_value", "5000000000000", "Enter an amount below"),
    ("estimated_currency", "XXX", "Choose a currency from the list."),
    ("estimated_currency", None, "Choose a currency from the list."),
    ("expected_timing", "", "Choose when the deal may close."),
    ("expected_timing", "tomorrow", "Choose when the deal may close."),
    ("customer_need", "", "Describe what the customer needs."),
    ("customer_need", "x" * 4001, "Keep it under 4000 characters."),
    ("involvement", None, "Choose how you are involved."),
    ("involvement", "bribed", "Choose how you are involved."),
    ("consent", None, "Confirm that the contact agreed to be introduced."),
    ("idempotency_key", None, "This form is out of date."),
    ("idempotency_key", "not-a-key", "This form is out of date."),
    ("idempotency_key", "A" * 32, "This form is out of date."),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_INPUT)
def test_bad_input_gets_its_message_and_stores_nothing(login, partner_user, name, value, message):
    client = login(partner_user)
    response = client.post("/referrals/new", data=form_data(**{name: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert _referral_count() == 0
    if name != "idempotency_key":
        # The message sits beside its field, tied to it for screen readers.
        assert f'id="{name}-error"' in page


def test_yen_amounts_have_no_decimals(login, partner_user):
    client = login(partner_user)
    response = client.post(
        "/referrals/new", data=form_data(estimated_currency="JPY", estimated_value="100.5")
    )
    assert response.status_code == 422
    assert "JPY amounts have no decimals." in response.get_data(as_text=True)


def test_a_stale_key_is_replaced_so_the_next_submit_works(login, partner_user):
    client = login(partner_user)
    page = client.post("/referrals/new", data=form_data(idempotency_key="stale")).get_data(
        as_text=True
    )
    fresh = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', page)
    assert fresh
    response = client.post("/referrals/new", data=form_data(idempotency_key=fresh.group(1)))
    assert response.status_code == 302


def test_a_failed_submit_keeps_the_key_and_the_typed_values(login, partner_user):
    client = login(partner_user)
    page = client.post("/referrals/new", data=form_data(consent=None)).get_data(as_text=True)
    assert f'value="{KEY}"' in page
    assert 'value="Northwind Traders Ltd"' in page


def test_htmx_gets_the_form_block_with_200(login, partner_user):
    client = login(partner_user)
    response = client.post(
        "/referrals/new", data=form_data(company_name=""), headers={"HX-Request": "true"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and 'id="referral-form"' in page
    assert _referral_count() == 0


def test_user_text_is_escaped_on_the_form(login, partner_user):
    client = login(partner_user)
    payload = '"><script>alert(1)</script>'
    page = client.post(
        "/referrals/new", data=form_data(company_name=payload, consent=None)
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_staff_cannot_submit_referrals(login, staff_user):
    response = login(staff_user).post("/referrals/new", data=form_data())
    assert response.status_code == 403
    assert _referral_count() == 0
