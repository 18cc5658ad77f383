"""Each change publishes its webhook event from where it happens, in the same transaction.

An endpoint subscribed to every event type records what the features publish; the features
are driven through their own functions (the same ones the pages and the API call).
"""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from portal.accounts import api as accounts
from portal.accounts.models import OrgStatus, Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.outbound_events import EVENT_TYPES
from portal.referrals import api as referrals
from portal.webhooks.models import WebhookEvent
from tests.conftest import new_org, new_referral, new_user
from tests.learning.test_certificates import complete_basics
from tests.webhooks.conftest import register


def _events() -> list[tuple[str, dict]]:
    rows = db.session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id)).all()
    return [(row.event_type, json.loads(row.body)) for row in rows]


def _types() -> list[str]:
    return [event_type for event_type, _ in _events()]


def test_a_referral_through_its_pipeline_publishes_each_step(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", *EVENT_TYPES)
    program = current_content().program
    staff = new_user(Role.STAFF, email="sam@vendor.example")
    partner = new_user(Role.PARTNER_USER, new_org("Acme"))
    referral = new_referral(partner, company_name="Northwind")
    referrals.accept(referral, staff, program)
    referrals.advance(referral, staff, program)
    db.session.commit()

    events = _events()
    assert [t for t, _ in events] == [
        "referral.submitted",
        "referral.stage_changed",
        "referral.stage_changed",
    ]
    submitted = events[0][1]
    assert submitted["type"] == "referral.submitted"
    assert submitted["data"]["referral"]["company_name"] == "Northwind"
    assert submitted["timestamp"].endswith("Z")
    accepted = events[1][1]["data"]
    assert (accepted["from_status"], accepted["to_status"]) == ("submitted", "accepted")
    assert events[2][1]["data"]["from_status"] == "accepted"


def test_won_and_lost_and_the_commission(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", *EVENT_TYPES)
    program = current_content().program
    staff = new_user(Role.STAFF, email="sam@vendor.example")
    partner = new_user(Role.PARTNER_USER, new_org("Acme"))
    winner, loser = new_referral(partner), new_referral(partner)
    for referral in (winner, loser):
        referrals.accept(referral, staff, program)
    commission = referrals.mark_won(winner, staff, 10_000_000, "USD", program)
    referrals.mark_lost(loser, staff, "Chose a competitor.", program)
    assert commission is not None
    later = utcnow() + timedelta(days=400)
    referrals.approve(commission, staff, now=later)
    referrals.mark_paid(commission, staff, "PAY-1", now=later)
    db.session.commit()

    types = _types()
    assert types[-6:] == [
        "referral.stage_changed",
        "referral.won",
        "referral.stage_changed",
        "referral.lost",
        "commission.approved",
        "commission.paid",
    ]
    paid = _events()[-1][1]["data"]["commission"]
    assert (paid["status"], paid["amount_minor"] > 0, paid["currency"]) == ("paid", True, "USD")


def test_organisation_activation_and_tier_change(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", "organization.activated", "tier.changed")
    org = new_org("Acme", status=OrgStatus.ONBOARDING)
    accounts.activate_organization(org, None)
    accounts.change_tier(admin, org, "silver", current_content().program)
    db.session.commit()

    events = _events()
    assert [t for t, _ in events] == ["organization.activated", "tier.changed"]
    assert events[0][1]["data"]["organization"]["status"] == "active"
    assert events[1][1]["data"]["from_tier"] == "registered"
    assert events[1][1]["data"]["to_tier"] == "silver"


def test_a_certification_issued(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", "certification.issued")
    partner = new_user(Role.PARTNER_USER, new_org("Acme"), name="Pat Lee")
    cert = complete_basics(partner, current_content().paths["basics"], utcnow())
    assert cert is not None

    (event,) = _events()
    data = event[1]["data"]["certification"]
    assert data["verification_code"] == cert.code
    assert data["holder_name"] == "Pat Lee"
    assert data["path_id"] == "basics"


def test_an_endpoint_gets_only_what_it_subscribed_to(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", "tier.changed")
    new_referral(new_user(Role.PARTNER_USER, new_org("Acme")))
    assert _events() == []


def test_a_change_that_rolls_back_takes_its_event_with_it(app: Flask, admin) -> None:
    register(admin, "https://crm.example.com/hooks", "tier.changed")
    org = new_org("Acme")
    accounts.change_tier(admin, org, "gold", current_content().program)
    db.session.flush()
    assert _types() == ["tier.changed"]
    db.session.rollback()
    assert _types() == []
