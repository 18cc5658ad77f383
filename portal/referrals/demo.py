"""Demo referrals for `flask demo load`: a believable few weeks of the referral program.

About twenty referrals across the demo organisations, in every status, told through the same
functions the portal uses: `submit_referral` for the partner's side and the partner team's
actions in triage.py, pipeline.py and outcomes.py (accept, assign, advance, update, note,
value, won, lost, reject), so the timelines, SLA clocks, registrations, commission, e-mails and
audit entries are what real use would leave behind. Times are backdated from `now`: some
referrals wait past their first-response time, one has gone stale, one collides with another
organisation's registration (Tallpine Logistics: the company to type in the form to see the
conflict hint).

Each demo referral carries a fixed idempotency key, so loading twice creates nothing new.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.money import to_minor
from portal.referrals import outcomes, pipeline, triage
from portal.referrals.models import Referral
from portal.referrals.service import ReferralInput, submit_referral

# uuid5 keys look like the form's (32 hex digits) and are the same on every load.
_KEY_NAMESPACE = uuid.UUID("6f1d0c1e-8f5e-4a8e-9d0c-5b7a2f3c9e41")
REGISTERED_DEMO_COMPANY = "Tallpine Logistics"


@dataclass(frozen=True)
class Step:
    """One thing the partner team did, `hours` after the referral was submitted."""

    hours: float
    action: str  # assign | accept | advance | update | note | value | won | lost | reject
    text: str = ""
    staff: int = 0  # who acts: index into the staff users
    owner: int = 0  # assign: who becomes the owner
    amount: int = 0  # value / won: whole units of the program currency


@dataclass(frozen=True)
class DemoReferral:
    slug: str
    org: int  # index of the demo organisation (in the order its members are given)
    person: int  # index of the submitting member within the organisation
    days_ago: float
    company: str
    website: str
    contact: str
    email: str
    role: str
    region: str
    estimate: int  # whole units of the program currency
    timing: str
    need: str
    involvement: str = "sourced"
    steps: tuple[Step, ...] = ()


def _days(n: float) -> float:
    return n * 24


# fmt: off
# slug, organisation, member, submitted (days ago), company, website, contact, e-mail, role,
# region, estimate, timing, need; then involvement and what the partner team did.
# Oakhurst, Bluewater and Lumen wait unanswered for a week or more: past the first-response
# time on any calendar (the demo's two working days, even across a weekend and two holidays).
DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        "won-fernhill", 0, 0, 74, "Fernhill Software", "https://www.fernhill.io",
        "Rosa Lindqvist", "rosa.lindqvist@fernhill.io", "Chief Revenue Officer", "Europe",
        90_000, "0-3", "Three sales teams forecast in three spreadsheets; the board wants one "
        "number by quarter end.",
        steps=(
            Step(20, "accept"), Step(21, "assign", owner=0),
            Step(26, "update", "Thanks for the introduction: Rosa has a call with us on Tuesday."),
            Step(_days(6), "advance"), Step(_days(15), "advance"),
            Step(_days(15.2), "note", "Security review passed; procurement wants a 2-year term."),
            Step(_days(30), "value", amount=86_400), Step(_days(30.1), "advance"),
            Step(_days(31), "update", "Proposal is with their CFO; decision expected this month."),
            Step(_days(64), "won", "Two-year subscription for all three teams.", amount=86_400),
        ),
    ),
    DemoReferral(
        "lost-northgate", 1, 1, 58, "Northgate Freight", "northgatefreight.ca",
        "Dev Malhotra", "dev.malhotra@northgatefreight.ca", "VP Sales Operations",
        "North America", 42_000, "3-6", "Pipeline reviews take a full day every week because "
        "the CRM data cannot be trusted.",
        steps=(
            Step(30, "accept", staff=1), Step(31, "assign", staff=1, owner=1),
            Step(_days(3), "advance", staff=1), Step(_days(12), "advance", staff=1),
            Step(_days(40), "lost", "They extended their current vendor's contract for another "
                 "year; we agreed to check in before the renewal.", staff=1),
        ),
    ),
    DemoReferral(
        "lost-rivermark", 0, 1, 47, "Rivermark Brewing Co", "https://rivermarkbrewing.com",
        "Hannah Cole", "hannah@rivermarkbrewing.com", "Commercial Director", "North America",
        18_000, "0-3", "Distributor sales are tracked by e-mail; they want a shared pipeline "
        "with their reps.",
        involvement="influenced",
        steps=(
            Step(18, "accept"), Step(19, "assign", owner=0), Step(_days(4), "advance"),
            Step(_days(21), "lost", "Budget frozen after their expansion loan was delayed."),
        ),
    ),
    DemoReferral(
        "proposal-tidewater", 1, 1, 44, "Tidewater Marine Supply",
        "https://www.tidewatermarine.com", "Carlos Mendes", "cmendes@tidewatermarine.com",
        "Head of Sales", "North America", 120_000, "0-3", "Forty field reps, no forecast "
        "discipline, and a new owner asking for weekly numbers.",
        steps=(
            Step(9, "accept"), Step(10, "assign", owner=0),
            Step(_days(5), "advance"), Step(_days(16), "advance"),
            Step(_days(16.1), "value", amount=112_000), Step(_days(29), "advance"),
            Step(_days(30), "update", "Proposal sent for 40 seats; Carlos is taking it to the "
                 "owner next week."),
            Step(_days(30.2), "note", "Asked for a 10% multi-year discount; within policy."),
        ),
    ),
    DemoReferral(
        "proposal-harrow", 0, 0, 38, "Harrow & Finch Legal", "https://harrowfinch.co.uk",
        "Imogen Price", "imogen.price@harrowfinch.co.uk", "Chief Operating Officer", "Europe",
        36_000, "3-6", "Business development partners log matters in four places; they want "
        "one view of fees.",
        steps=(
            Step(12, "accept", staff=1), Step(12.5, "assign", staff=1, owner=1),
            Step(_days(6), "advance", staff=1), Step(_days(17), "advance", staff=1),
            Step(_days(24), "advance", staff=1),
            Step(_days(25), "update", "Draft proposal shared; legal review on their side next.",
                 staff=1),
        ),
    ),
    DemoReferral(
        "qualified-greyfield", 0, 1, 30, "Greyfield Manufacturing", "greyfield-mfg.com",
        "Mark Oduya", "m.oduya@greyfield-mfg.com", "Director of Sales", "North America",
        54_000, "3-6", "Quoting and forecasting live in separate tools; margins surprise them "
        "every quarter.",
        steps=(
            Step(26, "accept"), Step(27, "assign", owner=0),
            Step(_days(7), "advance"), Step(_days(19), "advance"),
            Step(_days(19.1), "value", amount=48_000),
            Step(_days(20), "update", "Qualified: budget confirmed for next quarter."),
        ),
    ),
    DemoReferral(
        "qualified-copperleaf", 1, 0, 22, "Copperleaf Insurance Brokers",
        "https://copperleaf-brokers.com.au", "Grace Whitmore", "grace@copperleaf-brokers.com.au",
        "Managing Director", "Asia Pacific", 28_000, "6-12", "Renewal pipeline is invisible "
        "until a policy lapses; they want alerts and a forecast.",
        steps=(
            Step(40, "accept", staff=1), Step(41, "assign", staff=1, owner=1),
            Step(_days(6), "advance", staff=1), Step(_days(13), "advance", staff=1),
            Step(_days(13.1), "note", "Grace prefers calls before 9am Sydney time.", staff=1),
        ),
    ),
    DemoReferral(  # stale: no partner-visible update for more than the staleness window
        "contacted-stale-sable", 1, 1, 27, "Sable Energy Services", "https://sable-energy.ae",
        "Omar Haddad", "omar.haddad@sable-energy.ae", "Commercial Manager",
        "Middle East and Africa", 65_000, "6-12", "Tender pipeline across five countries kept "
        "in a shared workbook.",
        steps=(
            Step(30, "accept"), Step(31, "assign", owner=0), Step(_days(8), "advance"),
            Step(_days(8.1), "note", "Waiting for Omar to name a technical contact."),
        ),
    ),
    DemoReferral(
        "contacted-verdant", 0, 0, 15, "Verdant Packaging GmbH",
        "https://www.verdant-packaging.de", "Jonas Weber", "jonas.weber@verdant-packaging.de",
        "Head of Revenue Operations", "Europe", 47_000, "3-6", "Moving off a legacy CRM; they "
        "need forecasting in place before the migration.",
        steps=(
            Step(22, "accept", staff=1), Step(23, "assign", staff=1, owner=1),
            Step(_days(3), "advance", staff=1),
            Step(_days(3.1), "update", "First call held; Jonas is sharing their pipeline export.",
                 staff=1),
        ),
    ),
    DemoReferral(  # holds the registration the conflict below collides with
        "accepted-tallpine", 0, 1, 10, REGISTERED_DEMO_COMPANY,
        "https://www.tallpine-logistics.co.uk", "Fiona Grant",
        "fiona.grant@tallpine-logistics.co.uk", "Sales Director", "Europe", 38_000, "3-6",
        "Depot managers forecast by phone call; they want a weekly view by region.",
        steps=(
            Step(16, "accept"), Step(17, "assign", owner=0),
            Step(18, "update", "Accepted. We will reach out to Fiona this week."),
        ),
    ),
    DemoReferral(
        "accepted-solano", 1, 0, 6, "Solano Agritech", "https://solano-agritech.com.br",
        "Beatriz Costa", "beatriz.costa@solano-agritech.com.br", "Diretora Comercial",
        "Latin America", 30_000, "6-12", "Seasonal sales: they want to see next harvest's "
        "pipeline by distributor.",
        steps=(
            Step(30, "accept", staff=1),
            Step(31, "note", "Portuguese-speaking AE preferred.", staff=1),
        ),
    ),
    DemoReferral(
        "accepted-meridian", 0, 0, 4, "Meridian Dental Group",
        "https://www.meridiandentalgroup.com", "Sarah Klein",
        "sarah.klein@meridiandentalgroup.com", "VP Growth", "North America", 24_000, "0-3",
        "Already talking to the vendor's sales team; we are advising on their rollout plan.",
        involvement="influenced",
        steps=(
            Step(6, "accept"), Step(7, "assign", owner=1),
            Step(8, "note", "Existing opportunity with our AE; partner influence confirmed."),
        ),
    ),
    DemoReferral(
        "rejected-pinecrest", 1, 0, 12, "Pinecrest Schools Trust",
        "https://pinecrest-trust.org.uk", "Alan Moss", "alan.moss@pinecrest-trust.org.uk",
        "Finance Director", "Europe", 9_000, "12+", "Wants a fundraising pipeline for the "
        "trust's schools.",
        steps=(
            Step(28, "reject", "Thank you. Fundraising pipelines are outside what our product "
                 "does today, so we cannot take this one on."),
        ),
    ),
    DemoReferral(
        "rejected-atlas", 0, 1, 8, "Atlas Quarry Supplies", "atlasquarry.co.nz", "Mere Tane",
        "mere@atlasquarry.co.nz", "Owner", "Asia Pacific", 4_000, "unknown",
        "Five-person sales team; wants a simple CRM.",
        steps=(
            Step(30, "reject", "Too small for us today: worth revisiting once they have more "
                 "than 15 sellers.", staff=1),
        ),
    ),
    DemoReferral(  # overdue: no response for days
        "submitted-oakhurst", 0, 0, 9, "Oakhurst Property Management", "https://oakhurst-pm.com",
        "Daniel Reyes", "daniel.reyes@oakhurst-pm.com", "Head of Leasing", "North America",
        21_000, "3-6", "Leasing pipeline across 40 buildings is tracked in a spreadsheet per "
        "building.",
    ),
    DemoReferral(  # overdue
        "submitted-bluewater", 1, 1, 8, "Bluewater Hotels", "https://www.bluewaterhotels.es",
        "Lucía Navarro", "lucia.navarro@bluewaterhotels.es", "Directora de Ventas", "Europe",
        33_000, "6-12", "Group sales across twelve hotels; no view of corporate deals in "
        "progress.",
    ),
    DemoReferral(  # overdue although assigned: assigning is no answer to the partner
        "submitted-lumen", 1, 0, 7, "Lumen Health Clinics", "https://lumenhealthclinics.co.za",
        "Thandi Mokoena", "thandi@lumenhealthclinics.co.za", "Business Development Lead",
        "Middle East and Africa", 26_000, "3-6", "Corporate wellness contracts tracked by "
        "e-mail; they miss renewals.",
        steps=(Step(5, "assign", owner=1),),
    ),
    DemoReferral(
        "submitted-kestrel", 0, 1, 1, "Kestrel Aerospace Components", "https://kestrel-aero.com",
        "Nina Hartmann", "nina.hartmann@kestrel-aero.com", "VP Commercial", "Europe", 140_000,
        "6-12", "Long aerospace deal cycles; they need stage-based forecasting.",
        steps=(Step(3, "assign", owner=0),),
    ),
    DemoReferral(
        "submitted-quillon", 1, 0, 0.25, "Quillon Payments", "https://quillonpay.com",
        "Felix Brandt", "felix.brandt@quillonpay.com", "Head of Partnerships", "Europe", 58_000,
        "0-3", "Fast-growing sales team; the CRO wants forecast accuracy by rep.",
    ),
    DemoReferral(  # the one conflict: another organisation registered this company first
        "conflict-tallpine", 1, 1, 1.5, "Tallpine Logistics Ltd", "tallpine-logistics.co.uk",
        "Euan Blake", "euan.blake@tallpine-logistics.co.uk", "Operations Director", "Europe",
        40_000, "3-6", "Met their operations director at a trade fair; they want depot-level "
        "forecasts.",
    ),
)
# fmt: on


def load_demo_referrals(
    users: Sequence[User], program: Program, now: datetime | None = None
) -> int:
    """Create the demo referrals from the demo users (partners and staff); no commit.

    `users` are the demo accounts: partner users grouped by organisation in the order given,
    and at least one partner-team member. Returns how many referrals this call created (0 when
    they exist already, or when there are no partners or no staff to act).
    """
    now = now or utcnow()
    db.session.flush()  # the users need their ids
    staff = [u for u in users if u.is_staff]
    by_org: dict[int, list[User]] = {}
    for user in users:
        if user.organization_id is not None and not user.is_staff:
            by_org.setdefault(user.organization_id, []).append(user)
    orgs = list(by_org.values())
    if not staff or not orgs:
        return 0
    created = 0
    for demo in sorted(DEMO_REFERRALS, key=lambda d: -d.days_ago):
        members = orgs[demo.org % len(orgs)]
        partner = members[demo.person % len(members)]
        submitted_at = now - timedelta(days=demo.days_ago)
        submission = submit_referral(partner, _input(demo, program), program, now=submitted_at)
        if not submission.created:
            continue
        created += 1
        for step in demo.steps:
            _apply(submission.referral, step, staff, program, submitted_at, now)
    db.session.flush()
    return created


def _input(demo: DemoReferral, program: Program) -> ReferralInput:
    region = demo.region if demo.region in program.regions else program.regions[0]
    return ReferralInput(
        company_name=demo.company,
        company_website=demo.website,
        contact_name=demo.contact,
        contact_email=demo.email,
        contact_phone="",
        contact_role=demo.role,
        region=region,
        estimated_value_minor=to_minor(str(demo.estimate), program.currency),
        estimated_currency=program.currency,
        expected_timing=demo.timing,
        customer_need=demo.need,
        involvement=demo.involvement,
        idempotency_key=uuid.uuid5(_KEY_NAMESPACE, demo.slug).hex,
    )


def _apply(
    referral: Referral,
    step: Step,
    staff: list[User],
    program: Program,
    submitted_at: datetime,
    now: datetime,
) -> None:
    """Do one partner-team action at its (past) moment, through the functions the inbox calls."""
    actor = staff[step.staff % len(staff)]
    when = min(submitted_at + timedelta(hours=step.hours), now)
    if step.action == "assign":
        triage.assign(referral, actor, staff[step.owner % len(staff)], program, when)
    elif step.action == "accept":
        triage.accept(referral, actor, program, when)
    elif step.action == "advance":
        if pipeline.next_stage(referral, program) is not None:  # custom pipelines may be shorter
            pipeline.advance(referral, actor, program, when)
    elif step.action == "update":
        pipeline.post_update(referral, actor, step.text, program, when)
    elif step.action == "note":
        pipeline.add_note(referral, actor, step.text, program, when)
    elif step.action == "value":
        amount = to_minor(str(step.amount), program.currency)
        outcomes.record_value(referral, actor, amount, program.currency, program, when)
    elif step.action == "won":
        amount = to_minor(str(step.amount), program.currency)
        outcomes.mark_won(
            referral, actor, amount, program.currency, program, when, reason=step.text
        )
    elif step.action == "lost":
        outcomes.mark_lost(referral, actor, step.text, program, when)
    elif step.action == "reject":
        triage.reject(referral, actor, step.text, program, when)
    else:  # pragma: no cover - the table above is the only caller
        raise ValueError(f"unknown demo step {step.action!r}")
