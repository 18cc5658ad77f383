"""The demo history's referrals: each active partner refers more as it matures, the team
answers faster as the program does, and won deals earn commissions (portal/demo_history)."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.accounts.models import Organization, User
from portal.demo_history.story import ORG_WORDS, REGIONS_WEIGHTS, Story
from portal.extensions import db
from portal.referrals.api import add_sla_hours, first_response_due
from portal.referrals.commission_calculation import compute_commission
from portal.referrals.models import Commission, CommissionDispute, Referral, ReferralEvent

__all__ = ["seed_referrals"]

STEPS = ("contacted", "qualified", "proposal")


def seed_referrals(story: Story, org: Organization, members: list[User]) -> None:
    if org.activated_at is None:
        return
    rng = story.rng
    rate = {"reseller": 1.3, "alliance": 0.8}.get(org.partner_type, 1.0)
    moment = org.activated_at
    while True:
        months_in = (moment - org.activated_at).days / 30.4
        per_month = rate * min(2.4, 0.5 + 0.15 * months_in)
        moment += timedelta(days=rng.expovariate(per_month / 30.4))
        if moment >= story.now:
            return
        _one_referral(story, org, rng.choice(members), moment)


def _one_referral(story: Story, org: Organization, by: User, submitted: datetime) -> None:
    rng, program, now = story.rng, story.content.program, story.now
    regions = list(program.regions)
    region = rng.choices(regions, weights=list(REGIONS_WEIGHTS[: len(regions)]))[0]
    estimate = rng.randrange(8_000, 120_000, 500) * 100
    involvement = "sourced" if rng.random() < 0.8 else "influenced"
    owner = rng.choice(story.staff_ids) if rng.random() < 0.9 else None
    # The team answers faster as the program matures: a median of 5/6 of the first-response
    # SLA, then 1/3 of it (40 h, then 16 h of a 48-hour SLA), counted on the SLA's own clock.
    share = rng.lognormvariate(0, 0.45) * (40 - 24 * story.maturity(submitted)) / 48
    responded = add_sla_hours(submitted, share * program.first_response_hours, program)
    company = f"{rng.choice(ORG_WORDS)} {rng.choice(('Logistics', 'Health', 'Retail', 'Energy', 'Media'))}"  # noqa: E501
    referral = Referral(
        organization_id=org.id, submitted_by_id=by.id, owner_id=owner,
        idempotency_key=f"demo-{story.codes}-{rng.getrandbits(40):x}", company_name=company,
        company_website="", company_domain=None, company_name_key=company.lower(),
        contact_name="Demo Contact", contact_email="contact@example.com", contact_role="CFO",
        region=region, estimated_value_minor=estimate, estimated_currency=program.currency,
        expected_timing="3-6", customer_need="Forecasts live in spreadsheets.",
        involvement=involvement, consent_confirmed_at=submitted, status="submitted",
        submitted_at=submitted, first_response_due_at=first_response_due(submitted, program),
        last_partner_update_at=submitted,
    )  # fmt: skip
    db.session.add(referral)
    db.session.flush()
    events: list[tuple[datetime, str, str | None, str | None]] = []
    status, last = "submitted", submitted
    if responded < now:
        referral.first_responded_at = responded
        # The owner opened it shortly before answering; only unanswered ones stay new.
        referral.first_opened_at = responded - timedelta(minutes=rng.uniform(5, 90))
        referral.first_opened_by_id = owner
        accept = rng.random() < 0.85
        status = "accepted" if accept else "rejected"
        events.append((responded, "accepted" if accept else "rejected", "submitted", status))
        referral.accepted_at = responded if accept else None
        last = responded
        better = story.maturity(submitted)
        chances = (0.9, 0.75 + 0.1 * better, 0.65 + 0.1 * better)
        for step, chance in zip(STEPS, chances, strict=True):
            if status != "accepted" and status not in STEPS:
                break
            moment = last + timedelta(days=rng.uniform(4, 22))
            if moment >= now:
                break
            if rng.random() > chance:
                events.append((moment, "lost", status, "lost"))
                status, last = "lost", moment
                break
            events.append((moment, "stage_changed", status, step))
            status, last = step, moment
        if status == "proposal":
            moment = last + timedelta(days=rng.uniform(7, 30))
            if moment < now:
                won = rng.random() < 0.55 + 0.15 * better
                status, last = ("won" if won else "lost"), moment
                events.append((moment, status, "proposal", status))
    referral.status = status
    referral.last_partner_update_at = last
    for when, kind, from_status, to_status in events:
        story.rows.add(ReferralEvent, referral_id=referral.id, kind=kind, partner_visible=True,
                       actor_id=owner, message="", from_status=from_status, to_status=to_status,
                       created_at=when)  # fmt: skip
    if status in ("won", "lost", "rejected"):
        referral.closed_at = last
    elif referral.first_responded_at is None:
        referral.next_due_at = referral.first_response_due_at
    else:
        # A few deals go quiet: no update to the partner for longer than the staleness window.
        if rng.random() < 0.15:
            referral.last_partner_update_at = last = now - timedelta(days=rng.uniform(15, 30))
        referral.next_due_at = last + timedelta(days=program.stale_after_days)
    if status == "won":
        referral.deal_value_minor = int(estimate * rng.uniform(0.8, 1.3)) // 100 * 100
        referral.deal_currency = program.currency
        _commission(story, org, referral, last)


def _commission(story: Story, org: Organization, referral: Referral, won: datetime) -> None:
    program, rng, now = story.content.program, story.rng, story.now
    assert referral.deal_value_minor is not None
    quote = compute_commission(
        program, org.partner_type, referral.involvement, referral.deal_value_minor,
        program.currency,
    )  # fmt: skip
    if quote is None:
        return
    approvable = won + timedelta(days=program.commission_hold_days)
    approved = approvable + timedelta(days=rng.uniform(1, 10)) if approvable < now else None
    approved = approved if approved and approved < now else None
    paid = approved + timedelta(days=rng.uniform(10, 30)) if approved else None
    paid = paid if paid and paid < now else None
    status = "paid" if paid else "approved" if approved else "pending"
    # Now and then a partner disputes an approved commission (the rate, the deal value).
    disputed = approved is not None and paid is None and rng.random() < 0.5
    commission = Commission(
        referral_id=referral.id, organization_id=org.id,
        amount_minor=quote.amount_minor, currency=quote.currency,
        deal_value_minor=referral.deal_value_minor, rate_percent=str(quote.rate_percent),
        capped=quote.capped, partner_type=org.partner_type, involvement=referral.involvement,
        explanation=quote.explanation, status="disputed" if disputed else status,
        status_before_dispute=status if disputed else None, created_at=won,
        approvable_from=approvable, approved_at=approved, paid_at=paid,
        payout_reference="DEMO" if paid else "",
    )  # fmt: skip
    db.session.add(commission)
    if disputed:
        assert approved is not None
        db.session.flush()
        story.rows.add(
            CommissionDispute, commission_id=commission.id, organization_id=org.id,
            opened_by_id=referral.submitted_by_id, opened_at=story.at(approved + timedelta(days=2)),
            reason="The deal value on our side is higher than the one recorded.",
        )  # fmt: skip
