"""Submitting referrals: registration first come first served, conflicts, idempotency."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.onboarding.service import checklist_for
from portal.referrals import registration
from portal.referrals.models import CompanyRegistration, Referral, ReferralEvent
from portal.referrals.service import (
    company_looks_registered,
    parse_reference,
    referral_for,
    submit_referral,
)
from tests.conftest import referral_input


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_first_referral_for_a_company_registers_it(app, partner_user, make_referral):
    referral = make_referral(partner_user, company_website="https://sales.acme-widgets.co.uk/")
    assert referral.status == "submitted"
    assert referral.company_domain == "acme-widgets.co.uk"
    assert referral.conflict_reason is None
    assert registration.holds_registration(referral.id)
    assert referral.reference == f"R-{referral.id:06d}"
    assert referral.first_response_due_at == referral.submitted_at + timedelta(hours=48)
    assert referral.next_due_at == referral.first_response_due_at


def test_second_organisation_same_domain_is_a_conflict(
    app, partner_user, other_partner, make_referral
):
    first = make_referral(partner_user, company_website="acme-widgets.co.uk")
    second = make_referral(
        other_partner, company_name="ACME Widgets Ltd", company_website="www.acme-widgets.co.uk"
    )
    assert second.status == "conflict"
    assert second.conflict_reason == "registered"
    assert second.conflict_with_id == first.id
    assert _count(CompanyRegistration) == 1
    # The partner is told it is under review, never by whom.
    event = db.session.scalar(
        sa.select(ReferralEvent).where(ReferralEvent.referral_id == second.id)
    )
    assert event.partner_visible and "rules of engagement" in event.message
    assert first.organization.name not in event.message


def test_same_name_without_domain_is_a_conflict(app, partner_user, other_partner, make_referral):
    make_referral(
        partner_user, company_name="Brightwater GmbH", company_website="",
        contact_email="ops@gmail.com",
    )  # fmt: skip
    second = make_referral(
        other_partner, company_name="brightwater", company_website="",
        contact_email="someone@outlook.com",
    )  # fmt: skip
    assert second.status == "conflict"


def test_expired_protection_lets_a_new_registration_win(
    app, partner_user, other_partner, make_referral
):
    long_ago = utcnow() - timedelta(days=91)
    first = make_referral(partner_user, company_website="globex.com", now=long_ago)
    second = make_referral(other_partner, company_website="globex.com")
    assert second.status == "submitted"
    assert not registration.holds_registration(first.id)
    assert registration.holds_registration(second.id)


def test_released_registration_frees_the_company(app, partner_user, other_partner, make_referral):
    first = make_referral(partner_user, company_website="initech.com")
    registration.release(first)
    db.session.commit()
    assert make_referral(other_partner, company_website="initech.com").status == "submitted"


def test_customer_domain_is_a_conflict(app, partner_user, staff_user, make_referral):
    registration.add_customer_domain("umbrella.com", "Umbrella Corp", staff_user.id)
    db.session.commit()
    referral = make_referral(partner_user, company_website="https://shop.umbrella.com")
    assert referral.status == "conflict"
    assert referral.conflict_reason == "customer"
    assert _count(CompanyRegistration) == 0


def test_same_form_twice_creates_one_referral(app, partner_user):
    program = current_content().program
    data = referral_input(idempotency_key="double-click")
    first = submit_referral(partner_user, data, program)
    db.session.commit()
    again = submit_referral(partner_user, data, program)
    db.session.commit()
    assert first.created and not again.created
    assert again.referral.id == first.referral.id
    assert _count(Referral) == 1


def test_submission_tells_the_team_and_the_partner(app, partner_user, make_referral):
    referral = make_referral(partner_user)
    recipients = db.session.scalars(sa.select(OutboxMessage.to_email)).all()
    assert app.config["PARTNER_TEAM_EMAIL"] in recipients
    assert partner_user.email in recipients
    assert any(
        referral.reference in s for s in db.session.scalars(sa.select(OutboxMessage.subject))
    )


def test_first_referral_ticks_the_onboarding_step(app, partner_org, partner_user, make_referral):
    content = current_content()
    step = checklist_for(partner_org, content).step_state("first-referral")
    assert step is not None and not step.done
    make_referral(partner_user)
    assert checklist_for(partner_org, content).step_state("first-referral").done


def test_hint_says_registered_without_saying_who(app, partner_user, make_referral):
    make_referral(partner_user, company_website="hooli.com")
    assert company_looks_registered("https://www.hooli.com", "", "")
    assert company_looks_registered("", "gavin@hooli.com", "")
    assert not company_looks_registered("piedpiper.com", "", "Pied Piper")


def test_references_parse_and_scope(app, partner_user, other_partner, staff_user, make_referral):
    referral = make_referral(partner_user)
    assert parse_reference(referral.reference) == referral.id
    assert parse_reference("R-12x") is None
    assert referral_for(partner_user, referral.reference).id == referral.id
    assert referral_for(staff_user, referral.reference).id == referral.id
    assert referral_for(other_partner, referral.reference) is None
