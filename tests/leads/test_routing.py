"""Routing by the rules: eligibility, the choice, the cap, conflicts, decline, lapse, stages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import OrgStatus
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads import jobs, queries, routing, service
from portal.leads.intake import LeadInput, clean
from portal.leads.models import Lead, LeadCap, LeadOffer, LeadSource, LeadStatus
from portal.notify.models import OutboxMessage
from portal.referrals import registration
from tests.leads.conftest import eligible_partner


def _lead(now=None, **fields) -> Lead:
    program = current_content().program
    values = {
        "company": "Northwind Health",
        "contact_name": "Nora North",
        "contact_email": "nora@northwind-health.example",
        "country": "DE",
        "industry": "Healthcare",
        **fields,
    }
    data, problems = clean(LeadInput(**values), program.leads, program.regions)
    assert problems == []
    return service.create_lead(data, LeadSource.STAFF, None, now or utcnow())


def _route(lead: Lead, now=None) -> Lead:
    return service.route_lead(lead, current_content().program, now or utcnow())


def test_the_rules_choose_an_eligible_partner_and_say_why(two_partners):
    first, second = two_partners
    lead = _route(_lead())
    assert lead.status == LeadStatus.OFFERED
    assert lead.partner_id == first.id  # round-robin: neither had a lead, the older id first
    assert "region Europe" in lead.routing_reason
    assert "industry Healthcare" in lead.routing_reason
    assert "1 of 5 monthly cap used" in lead.routing_reason
    # The partner's admins are told.
    sent = db.session.scalars(sa.select(OutboxMessage.to_email)).all()
    assert "admin@alphapartners.example" in sent
    # Round-robin: the next lead goes to the partner without one.
    assert _route(_lead(company="Second Clinic")).partner_id == second.id


def test_no_partner_outside_the_rules(app):
    eligible_partner("Only America", region="North America")
    eligible_partner("Only Retail", industry="Retail")
    eligible_partner("Only Alliance", partner_type="alliance")
    eligible_partner("Suspended One", status=OrgStatus.SUSPENDED)
    lead = _route(_lead())
    assert lead.status == LeadStatus.UNROUTED
    assert lead.partner_id is None
    assert "No eligible partner" in lead.routing_reason


def test_a_full_cap_sends_the_lead_elsewhere_and_then_nowhere(two_partners):
    first, second = two_partners
    period = routing.period_of(utcnow(), "month")
    db.session.add(LeadCap(organization_id=first.id, period=period, cap=5, used=5))
    db.session.commit()
    assert _route(_lead()).partner_id == second.id
    db.session.execute(
        sa.update(LeadCap).where(LeadCap.organization_id == second.id).values(used=5)
    )
    assert _route(_lead(company="Third Clinic")).status == LeadStatus.UNROUTED
    assert not routing.take_slot(first.id, period, 5, utcnow())


def test_the_database_refuses_a_cap_overrun(two_partners):
    first, _second = two_partners
    db.session.add(LeadCap(organization_id=first.id, period="2026-01", cap=1, used=1))
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(LeadCap).values(used=2))
        db.session.flush()
    db.session.rollback()


def test_a_customer_or_registered_company_is_flagged_not_sent(two_partners, staff_user):
    registration.add_customer_domain("northwind-health.com", "Northwind", staff_user.id)
    lead = _route(_lead(website="https://www.northwind-health.com/"))
    assert lead.status == LeadStatus.CONFLICT
    assert lead.partner_id is None
    assert lead.conflict_reason == "The company is on the customer list."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadOffer)) == 0
    # Staff who checked the rules of engagement route it anyway.
    service.route_lead(
        lead, current_content().program, utcnow(), staff_user, override_conflict=True
    )
    assert lead.status == LeadStatus.OFFERED


def test_decline_moves_the_lead_on_and_out_of_the_partner_view(two_partners, make_user):
    first, second = two_partners
    lead = _route(_lead())
    admin = make_user("partner_admin", first)
    with pytest.raises(service.LeadError):
        service.decline(lead, admin, "  ", current_content().program, utcnow())
    service.decline(lead, admin, "No capacity this month", current_content().program, utcnow())
    assert lead.partner_id == second.id
    assert queries.lead_for_partner(admin, lead.id) is None
    assert queries.partner_leads(admin) == []
    outcomes = [o.outcome for o, _name in queries.offers_of(lead.id)]
    assert outcomes == ["declined", "offered"]


def test_a_lapsed_offer_goes_to_the_next_partner_once(two_partners, runner):
    first, second = two_partners
    start = utcnow()
    lead = _route(_lead(now=start), now=start)
    db.session.commit()
    assert jobs.lapse_overdue(start + timedelta(hours=47)) == 0
    later = start + timedelta(hours=49)
    assert jobs.lapse_overdue(later) == 1
    db.session.refresh(lead)
    assert lead.partner_id == second.id
    offers = queries.offers_of(lead.id)
    assert [(o.outcome, name) for o, name in offers] == [
        ("lapsed", "Alpha Partners"),
        ("offered", "Beta Partners"),
    ]
    assert jobs.lapse_overdue(later) == 0  # idempotent
    result = runner.invoke(
        args=["leads", "lapse", "--now", (later + timedelta(hours=49)).isoformat()]
    )
    assert "Lapsed 1 offer." in result.output
    db.session.refresh(lead)
    assert lead.status == LeadStatus.UNROUTED  # both partners have had it
    lapsed = db.session.scalars(
        sa.select(AuditEntry.organization_id).where(AuditEntry.action == "lead.lapsed")
    ).all()
    assert sorted(lapsed) == sorted([first.id, second.id])


def test_the_partner_works_the_opportunity_to_won(two_partners, make_user):
    first, _second = two_partners
    lead = _route(_lead())
    admin = make_user("partner_admin", first)
    service.accept(lead, admin, utcnow())
    with pytest.raises(service.LeadError):
        service.advance(lead, admin, "lost", "", utcnow())  # lost needs a reason
    service.advance(lead, admin, "meeting_held", "", utcnow())
    with pytest.raises(service.LeadError):
        service.advance(lead, admin, "contacted", "", utcnow())  # never backwards
    service.advance(lead, admin, "won", "", utcnow())
    assert lead.status == LeadStatus.WON


def test_reminders_once_per_stale_spell(two_partners, make_user):
    first, _second = two_partners
    start = utcnow()
    lead = _route(_lead(now=start), now=start)
    service.accept(lead, make_user("partner_admin", first), start)
    db.session.commit()
    assert jobs.send_reminders(start + timedelta(days=13)) == 0
    assert jobs.send_reminders(start + timedelta(days=15)) == 2  # two admins now
    assert jobs.send_reminders(start + timedelta(days=16)) == 0


def test_weighted_choice_prefers_higher_tier_and_win_rate(app):
    program = current_content().program
    low = routing.Candidate(1, "Low", "registered", used=0, last_routed_at=None, won=0, closed=4)
    high = routing.Candidate(2, "High", "gold", used=0, last_routed_at=None, won=3, closed=4)
    assert routing.weight(high, program) > routing.weight(low, program)
    # A partner that already had many leads this period yields to a lighter one.
    busy = routing.Candidate(2, "High", "gold", used=20, last_routed_at=None, won=3, closed=4)
    weighted = type(program.leads.routing)(choose="weighted")
    from dataclasses import replace

    wprogram = replace(program, leads=replace(program.leads, routing=weighted))
    assert [c.name for c in routing.ordered([low, high], wprogram)] == ["High", "Low"]
    assert [c.name for c in routing.ordered([low, busy], wprogram)] == ["Low", "High"]


def test_period_keys():
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 7, tzinfo=UTC)
    assert routing.period_of(moment, "month") == "2026-12"
    assert routing.period_of(moment, "quarter") == "2026-Q4"
    assert routing.period_of(moment, "week") == "2026-W50"


def test_a_directory_lead_goes_to_the_partner_named(two_partners):
    from portal.leads import api

    _first, second = two_partners
    program = current_content().program
    data, problems = api.clean(
        api.LeadInput(company="Kite Clinics", contact_name="Kim Kite",
                      contact_email="kim@kite-clinics.com", country="GB"),
        program.leads, program.regions,
    )  # fmt: skip
    assert problems == [] and data.region == "Europe"
    lead = api.create_lead(data, api.LeadSource.DIRECTORY, None, utcnow(), second.id)
    api.route_lead(lead, program, utcnow())
    assert (lead.status, lead.partner_id) == (api.LeadStatus.OFFERED, second.id)
    assert lead.routing_reason == "Asked for by name in the directory."


def test_an_offer_past_its_window_cannot_be_accepted_even_before_the_lapse_job(
    two_partners, make_user
):
    first, _second = two_partners
    start = utcnow()
    lead = _route(_lead(), start)
    admin = make_user("partner_admin", first)
    late = start + timedelta(hours=current_content().program.leads.accept_hours, minutes=1)
    with pytest.raises(service.LeadError, match="time to accept"):
        service.accept(lead, admin, late)
    assert lead.status == LeadStatus.OFFERED and lead.partner_id == first.id


def test_an_offer_moved_on_elsewhere_is_not_accepted_from_a_stale_page(two_partners, make_user):
    """The partner's page loaded the lead; meanwhile it lapsed to another partner. Accepting
    re-reads the row first and refuses, instead of writing over the other partner's offer."""
    first, second = two_partners
    start = utcnow()
    lead = _route(_lead(), start)
    admin = make_user("partner_admin", first)
    late = start + timedelta(hours=current_content().program.leads.accept_hours, minutes=1)
    assert service.lapse(lead, current_content().program, late)  # the cron job moves it on
    db.session.flush()
    assert lead.partner_id == second.id
    set_committed_value(lead, "partner_id", first.id)  # the first partner's stale copy
    with pytest.raises(service.LeadError, match="not offered to your organisation"):
        service.accept(lead, admin, late)
    assert lead.partner_id == second.id and lead.status == LeadStatus.OFFERED


def test_a_declined_lead_is_checked_for_conflict_again_before_it_moves_on(
    two_partners, make_user, staff_user
):
    """It became a customer after the first routing: the next offer is not sent blind."""
    first, _second = two_partners
    lead = _route(_lead(website="https://www.northwind-health.com/"))
    assert lead.partner_id == first.id
    registration.add_customer_domain("northwind-health.com", "Northwind", staff_user.id)
    admin = make_user("partner_admin", first)
    service.decline(lead, admin, "Not our patch.", current_content().program, utcnow())
    assert lead.status == LeadStatus.CONFLICT and lead.partner_id is None
    assert lead.conflict_reason == "The company is on the customer list."
