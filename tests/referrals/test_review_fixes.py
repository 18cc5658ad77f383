"""Edge cases found in review: huge ids, long keys, a displaced registration, won customers."""

from __future__ import annotations

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals import api as referrals
from portal.referrals import registration
from portal.referrals.events import timeline
from portal.referrals.models import CompanyRegistration, Customer
from portal.referrals.service import parse_reference


def test_references_beyond_32_bit_ids_name_nothing():
    assert parse_reference("R-2147483647") == 2147483647
    assert parse_reference("R-2147483648") is None
    assert parse_reference("R-999999999999") is None
    assert parse_reference("R-000000") is None


def test_huge_references_answer_404(app, login, partner_user, staff_user):
    assert login(partner_user).get("/referrals/R-999999999999").status_code == 404
    staff = login(staff_user)
    assert staff.get("/inbox/R-3000000000").status_code == 404
    assert staff.post("/inbox/R-3000000000/note", data={"message": "x"}).status_code == 404
    assert staff.get("/inbox/commissions?after=99999999999999999999999").status_code == 422


def test_a_name_that_grows_when_normalised_still_fits_its_key(app, partner_user, make_referral):
    referral = make_referral(
        partner_user, company_name="&" * 200, company_website="", contact_email="x@gmail.com"
    )
    key = db.session.scalar(
        sa.select(CompanyRegistration.company_key).where(
            CompanyRegistration.referral_id == referral.id
        )
    )
    assert len(key) <= 300 and key.startswith("name#sha256:")
    again = registration.key_text("", "y@gmail.com", "&" * 200)
    assert again == key  # the same company still gives the same key


def test_accepting_a_conflict_tells_whoever_holds_the_company_now(
    app, make_org, make_user, partner_user, other_partner, staff_user, make_referral
):
    program = current_content().program
    first = make_referral(partner_user, company_website="steal-test.co.uk")
    second = make_referral(other_partner, company_website="steal-test.co.uk")
    assert second.status == "conflict" and second.conflict_with_id == first.id
    referrals.reject(first, staff_user, "Duplicate of an older deal.", program)
    db.session.commit()
    third_partner = make_user(org=make_org(name="Third Partner Ltd"))
    third = make_referral(third_partner, company_website="steal-test.co.uk")
    assert third.status == "submitted"

    referrals.accept(second, staff_user, program)
    db.session.commit()
    assert registration.holds_registration(second.id)
    told = [e.kind for e in timeline(third.id, partner_view=True)]
    assert "registration_contested" in told
    assert "registration_contested" not in [e.kind for e in timeline(first.id, partner_view=True)]


def test_a_won_company_goes_on_the_customer_list(
    app, partner_user, other_partner, staff_user, make_referral
):
    program = current_content().program
    referral = make_referral(partner_user, company_website="https://www.wonco.co.uk")
    referrals.accept(referral, staff_user, program)
    referrals.record_value(referral, staff_user, 5_000_000, "USD", program)
    referrals.mark_won(referral, staff_user, None, None, program)
    db.session.commit()
    assert db.session.scalar(sa.select(Customer.domain)) == "wonco.co.uk"
    later = make_referral(other_partner, company_website="wonco.co.uk")
    assert later.status == "conflict" and later.conflict_reason == "customer"


def test_csv_export_is_audited(app, login, staff_user):
    from portal.audit.models import AuditEntry

    login(staff_user).get("/inbox/export.csv?region=Europe").get_data()
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "referrals.exported")
    )
    assert entry is not None and entry.actor_id == staff_user.id
