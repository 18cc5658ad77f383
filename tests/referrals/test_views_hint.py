"""The live conflict hint: shown for a registered company or a customer, never saying who."""

from __future__ import annotations

from urllib.parse import urlencode

from portal.extensions import db
from portal.referrals import registration

HINT = "A referral for this company is already open"


def _hint(client, **args: str) -> str:
    params = {"company_website": "", "contact_email": "", "company_name": "", **args}
    response = client.get(f"/referrals/hint?{urlencode(params)}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_hint_for_a_domain_another_organisation_registered(
    login, partner_user, other_partner, make_referral
):
    make_referral(
        other_partner, company_name="Contoso Pharmaceuticals", company_website="contoso.com"
    )
    client = login(partner_user)
    page = _hint(client, company_website="https://www.CONTOSO.com/about")
    assert HINT in page
    assert "rules of engagement" in page and 'href="/program/rules"' in page
    for secret in (other_partner.organization.name, other_partner.name, other_partner.email):
        assert secret not in page
    assert "Contoso Pharmaceuticals" not in page


def test_hint_from_the_contact_email_domain(login, partner_user, other_partner, make_referral):
    make_referral(other_partner, company_website="contoso.com")
    page = _hint(login(partner_user), contact_email="jo@sales.contoso.com")
    assert HINT in page


def test_hint_from_the_name_when_there_is_no_domain(
    login, partner_user, other_partner, make_referral
):
    make_referral(
        other_partner,
        company_name="Brightwater GmbH",
        company_website="",
        contact_email="ops@gmail.com",
    )
    page = _hint(login(partner_user), company_name="Brightwater", contact_email="x@gmail.com")
    assert HINT in page


def test_hint_for_a_customer_domain(login, partner_user, staff_user):
    registration.add_customer_domain("umbrella-corp.com", "Umbrella Corp", staff_user.id)
    db.session.commit()
    page = _hint(login(partner_user), company_website="https://www.umbrella-corp.com")
    assert HINT in page
    assert "Umbrella Corp" not in page


def test_no_hint_for_a_new_company(login, partner_user, other_partner, make_referral):
    make_referral(other_partner, company_website="contoso.com")
    page = _hint(login(partner_user), company_website="fabrikam.com", company_name="Fabrikam")
    assert HINT not in page
    assert page.strip() == ""


def test_no_hint_for_empty_or_junk_input(login, partner_user):
    client = login(partner_user)
    assert _hint(client).strip() == ""
    junk = {"company_website": "javascript:alert(1)", "contact_email": "@@", "company_name": "!!!"}
    assert _hint(client, **junk).strip() == ""
    assert _hint(client, company_website="x" * 8_000).strip() == ""
    # Past MAX_QUERY_STRING_LENGTH the request is refused before its arguments are decoded.
    assert client.get("/referrals/hint?company_website=" + "x" * 100_000).status_code == 414


def test_hint_without_arguments_is_fine(login, partner_user):
    assert login(partner_user).get("/referrals/hint").status_code == 200


def test_hint_is_cheap(login, partner_user, other_partner, make_referral, count_queries):
    make_referral(other_partner, company_website="contoso.com")
    client = login(partner_user)
    with count_queries() as counter:
        assert HINT in _hint(client, company_website="contoso.com")
    # The signed-in user, the customer list, the registration.
    assert counter.count <= 3


def test_staff_get_no_hint(login, staff_user):
    assert login(staff_user).get("/referrals/hint").status_code == 403
