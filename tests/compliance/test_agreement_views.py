"""The agreement page: partners read it, only a partner admin accepts it; onboarding and the
staff organisation page show the acceptance."""

from __future__ import annotations

import sqlalchemy as sa

from portal.compliance.models import AgreementAcceptance
from portal.extensions import db

FORM = {"signer_name": "Alex Kim", "authorised": "y"}


def _acceptances() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AgreementAcceptance)) or 0


def test_a_partner_user_reads_it_but_cannot_accept(login, partner_user, partner_admin):
    client = login(partner_user)
    page = client.get("/agreement").get_data(as_text=True)
    assert "Only a partner admin of your organisation can accept the agreement." in page
    assert 'name="signer_name"' not in page
    assert client.post("/agreement", data=FORM).status_code == 403
    assert _acceptances() == 0


def test_a_partner_admin_accepts_with_their_name(login, partner_admin, staff_user):
    client = login(partner_admin)
    page = client.get("/agreement").get_data(as_text=True)
    assert "Not accepted" in page and 'name="signer_name"' in page
    refused = client.post("/agreement", data={"signer_name": "Alex Kim"})
    assert refused.status_code == 400
    assert "Confirm that you may accept it" in refused.get_data(as_text=True)
    response = client.post("/agreement", data=FORM, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You accepted version 1 of the partner agreement." in page
    assert "Version 1 accepted by Alex Kim" in page
    assert _acceptances() == 1

    staff = login(staff_user)
    org_page = staff.get(f"/staff/orgs/{partner_admin.organization_id}").get_data(as_text=True)
    assert "Partner agreement" in org_page and "Version 1: accepted by Alex Kim" in org_page


def test_the_signer_name_is_bounded_and_escaped(login, partner_admin, staff_user):
    client = login(partner_admin)
    too_long = client.post("/agreement", data={**FORM, "signer_name": "x" * 5000})
    assert too_long.status_code == 400 and "At most 120 characters." in too_long.get_data(True)
    client.post("/agreement", data={**FORM, "signer_name": "<script>alert(1)</script>"})
    page = client.get("/agreement").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    org_page = login(staff_user).get(f"/staff/orgs/{partner_admin.organization_id}")
    assert "<script>alert(1)" not in org_page.get_data(as_text=True)


def test_hostile_signer_names_never_become_markup(app, partner_admin, staff_user):
    """Each corpus payload as a signer's name, on the agreement page, the staff organisation
    page and the audit log (one organisation per payload: one acceptance per version)."""
    from portal.accounts.models import Role
    from portal.compliance.agreement import accept_agreement
    from portal.content_runtime import current_content
    from tests.conftest import new_org, new_user, sign_in
    from tests.xss_corpus import XSS_PAYLOADS, find_injections

    terms = current_content().program.agreement
    assert terms is not None
    staff = app.test_client()
    sign_in(staff, staff_user)
    for number, payload in enumerate(XSS_PAYLOADS[:12]):
        org = new_org(name=f"Hostile {number}", status="active")
        admin = new_user(Role.PARTNER_ADMIN, org)
        accept_agreement(org, admin, terms, payload)
        db.session.commit()
        partner = app.test_client()
        sign_in(partner, admin)
        assert find_injections(partner.get("/agreement").get_data(as_text=True)) == []
        page = staff.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
        assert find_injections(page) == []


def test_a_version_published_while_the_admin_read_the_old_one_is_not_accepted(login, partner_admin):
    client = login(partner_admin)
    page = client.get("/agreement").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    response = client.post("/agreement", data={**FORM, "version": "0"}, follow_redirects=True)
    assert "The agreement changed while you read it" in response.get_data(as_text=True)
    assert _acceptances() == 0
    client.post("/agreement", data={**FORM, "version": "1"})
    assert _acceptances() == 1
