"""Fifteen months of program history for `flask demo load`, so /insights tells a story.

Three dozen partner organisations join over five quarters, faster each quarter; they learn,
download kits, refer, and the partner team answers faster as the program matures. Every row
is backdated from `now` with a fixed random seed, so each load tells the same story.

Rows are written directly (bulk inserts, not the features' service functions): backdated
history with clocks already run is not something the services can make, and `make run` must
stay fast. The two demo organisations people sign in to keep their service-made history
(portal/referrals/demo.py); these organisations are background partners nobody signs in as.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.audit.models import ActivityEvent
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.referrals.commission_calculation import compute_commission
from portal.referrals.models import Commission, CommissionDispute, Referral, ReferralEvent
from portal.staff.models import Meeting
from portal.tiers.models import TierStatus

__all__ = ["MONTHS", "load_demo_history"]

# The demo program's regions (North America, Latin America, Europe, Middle East and Africa,
# Asia Pacific): where partners and customers are, most in North America and Europe.
REGIONS_WEIGHTS = (5, 1, 4, 1, 2)

MONTHS = 15
# Organisations invited per month, oldest first: the program recruits faster as it grows.
INVITES_PER_MONTH = (1, 1, 2, 1, 2, 2, 3, 2, 3, 3, 3, 4, 3, 3, 3)
FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jon",
    "Kira", "Luis", "Maya", "Nils", "Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara",
)  # fmt: skip
LAST_NAMES = (
    "Berg", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Hale", "Ito", "Jensen",
    "Kovacs", "Lund", "Moreau", "Novak", "Okoro", "Price", "Reyes", "Sato", "Vega",
)  # fmt: skip
ORG_WORDS = ("Northwind", "Bluefin", "Copperleaf", "Driftwood", "Evergreen", "Foxglove",
             "Granite", "Harbourline", "Ironbark", "Juniper", "Kestrel", "Lakeshore", "Meridian",
             "Nimbus", "Oakridge", "Pinecrest", "Quarry", "Riverbend", "Saltmarsh", "Tidewater",
             "Upland", "Vantage", "Westgate", "Yellowpine", "Zephyr", "Alder", "Birchway",
             "Cedarline", "Dovetail", "Elmstead", "Fernway", "Glenmore", "Hollis", "Ivywood",
             "Jasper", "Kingfisher")  # fmt: skip
ORG_KINDS = {"referral": "Advisory", "reseller": "Solutions", "alliance": "Technologies"}
PAGES = ("program-guide", "rules-of-engagement", "attribution-and-payouts", "governance")
KIT_FILES = ("revenue-teams-one-pager/keelstone-for-revenue-teams.pdf",)
TEMPLATES = ("introduction-email-sequence/1-introduction", "partnership-announcement/company-post")


@dataclass
class _Rows:
    """Rows gathered for one bulk insert per table."""

    tables: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, **values: Any) -> None:
        self.tables.setdefault(model, []).append(values)

    def insert(self) -> None:
        for model, rows in self.tables.items():
            db.session.execute(sa.insert(model.__table__), rows)
        self.tables.clear()


@dataclass
class _Story:
    rng: random.Random
    now: datetime
    content: ContentIndex
    staff_ids: list[int]
    rows: _Rows = field(default_factory=_Rows)
    codes: int = 0

    def at(self, moment: datetime) -> datetime:
        """Never later than now."""
        return min(moment, self.now - timedelta(minutes=5))

    def maturity(self, moment: datetime) -> float:
        """0 at the start of the history, 1 today: the program gets better at everything."""
        span = timedelta(days=30.4 * MONTHS)
        return max(0.0, min(1.0, 1 - (self.now - moment) / span))


def load_demo_history(content: ContentIndex, staff: list[User], now: datetime | None = None) -> int:
    """Add the history to the session (no commit); returns the organisations created."""
    story = _Story(random.Random(20260212), now or utcnow(), content, [u.id for u in staff])
    orgs = _organisations(story)
    for org, members in orgs:
        _learning(story, org, members)
        _activity(story, org, members)
        _meetings(story, org)
        _referrals(story, org, members)
    _grace_periods(story, [org for org, _members in orgs])
    story.rows.insert()
    return len(orgs)


def _grace_periods(story: _Story, orgs: list[Organization]) -> None:
    """Two partners above the entry tier slipped below it: they keep their tier for the grace
    period a daily evaluation started (the organisation list flags them)."""
    program = story.content.program
    tiers = sorted(program.tiers, key=lambda t: t.rank)
    if len(tiers) < 2:
        return
    above_entry = [
        org for org in orgs if org.status == OrgStatus.ACTIVE and org.tier != tiers[0].id
    ]
    grace = timedelta(days=program.tier_rules.grace_days)
    for org, days_ago in zip(above_entry[-2:], (12, 45), strict=False):
        started = (story.now - timedelta(days=days_ago)).date()
        story.rows.add(TierStatus, organization_id=org.id, tier_seen=org.tier,
                       grace_tier=org.tier, grace_started_on=started,
                       grace_ends_on=started + grace)  # fmt: skip


def _organisations(story: _Story) -> list[tuple[Organization, list[User]]]:
    rng, now = story.rng, story.now
    types = [t.id for t in story.content.program.partner_types]
    tiers = [t.id for t in sorted(story.content.program.tiers, key=lambda t: t.rank)]
    regions = list(story.content.program.regions)
    # A generator of its own, so the regions leave the rest of the story as it was.
    region_rng = random.Random(20261207)
    created: list[tuple[Organization, list[User]]] = []
    names = iter(ORG_WORDS)
    for month, invites in enumerate(INVITES_PER_MONTH):
        for _ in range(invites):
            invited = now - timedelta(days=30.4 * (MONTHS - month) - rng.uniform(0, 28))
            partner_type = rng.choices(types, weights=[5, 3, 2][: len(types)])[0]
            tier = rng.choices(tiers, weights=[6, 3, 1][: len(tiers)])[0]
            # Early cohorts took two months to activate; recent ones take two weeks.
            delay = timedelta(days=max(6.0, rng.gauss(58 - 3.2 * month, 8)))
            activated = invited + delay if invited + delay < now and rng.random() < 0.88 else None
            status = OrgStatus.ACTIVE if activated else (
                OrgStatus.ONBOARDING if now - invited > timedelta(days=5) else OrgStatus.INVITED
            )  # fmt: skip
            word = next(names, f"Partner {len(created) + 1}")
            org = Organization(
                name=f"{word} {ORG_KINDS.get(partner_type, 'Partners')}",
                partner_type=partner_type,
                tier=tier if activated else tiers[0],
                status=status,
                website=f"https://{word.lower()}.example",
                region=region_rng.choices(regions, weights=REGIONS_WEIGHTS[: len(regions)])[0]
                if regions
                else None,
                created_at=invited,
                activated_at=activated,
            )
            db.session.add(org)
            created.append((org, _members(story, org, invited, activated)))
    # One partner fell silent and was suspended: a story for the status table.
    created[3][0].status = OrgStatus.SUSPENDED
    db.session.flush()
    return created


def _members(story: _Story, org: Organization, invited: datetime, activated: datetime | None):
    rng = story.rng
    members = []
    quiet = rng.random() < 0.15  # nobody has signed in for weeks: a flag on the list
    for index in range(rng.randint(2, 5) if activated else 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        joined = story.at(invited + timedelta(days=rng.uniform(1, 5)))
        ago = rng.uniform(35, 80) if quiet else rng.uniform(0, 20)
        seen = max(story.now - timedelta(days=ago), joined) if activated or index == 0 else None
        members.append(
            User(
                email=f"{first}.{last}.{index}@{org.website[8:]}".lower(),
                name=f"{first} {last}",
                role=Role.PARTNER_ADMIN if index == 0 else Role.PARTNER_USER,
                organization=org,
                created_at=joined,
                last_login_at=seen,
            )
        )
    db.session.add_all(members)
    return members


def _learning(story: _Story, org: Organization, members: list[User]) -> None:
    """Modules, quiz attempts (passing more often at the first try as content improves) and
    certificates; a few certificates run out within the month."""
    if org.activated_at is None:
        return
    rng = story.rng
    paths = story.content.paths_for(org.partner_type)
    for member in members:
        for path in paths:
            if rng.random() > 0.7:
                continue
            moment = org.created_at + timedelta(days=rng.uniform(2, 20))
            for module in path.modules:
                moment = story.at(moment + timedelta(days=rng.uniform(0.5, 6)))
                first_try = rng.random() < 0.55 + 0.3 * story.maturity(moment)
                tries = [first_try] if first_try else [False, True]
                for passed in tries:
                    story.rows.add(
                        QuizAttempt, user_id=member.id, organization_id=org.id, path_id=path.id,
                        module_id=module.id, content_version="demo", quiz_version="demo",
                        questions=[], answers={}, results={}, score=90 if passed else 40,
                        passed=passed, started_at=moment - timedelta(minutes=9),
                        submitted_at=moment,
                    )  # fmt: skip
                    moment += timedelta(hours=rng.uniform(2, 30)) if not passed else timedelta()
                story.rows.add(ModuleCompletion, user_id=member.id, path_id=path.id,
                               module_id=module.id, completed_at=story.at(moment))  # fmt: skip
            issued = story.at(moment + timedelta(minutes=5))
            if path.valid_days and rng.random() < 0.12:  # renewal due: expiring within 30 days
                issued = story.now - timedelta(days=path.valid_days - rng.uniform(3, 28))
            story.codes += 1
            story.rows.add(
                Certification, user_id=member.id, organization_id=org.id, path_id=path.id,
                certificate_name=path.certificate, code=f"DEMO{story.codes:06d}",
                issued_at=issued,
                expires_at=issued + timedelta(days=path.valid_days) if path.valid_days else None,
            )  # fmt: skip


def _activity(story: _Story, org: Organization, members: list[User]) -> None:
    """Sign-ins, content views (once per person, document and day) and kit use."""
    if org.activated_at is None:
        return
    rng = story.rng
    playbooks = [f"playbook:{p.kind}/{p.id}" for p in story.content.playbooks.values()]
    documents = [*(f"page:{p}" for p in PAGES), *playbooks]
    for member in members:
        last = member.last_login_at or story.now
        moment = member.created_at
        seen: set[tuple[str, Any]] = set()
        while moment < last:
            # Engaged partners come back more often as the program matures.
            moment += timedelta(days=rng.expovariate(1 / (9 - 5 * story.maturity(moment))))
            moment = min(moment, last)
            story.rows.add(ActivityEvent, user_id=member.id, organization_id=org.id,
                           kind="login", subject="", created_at=moment)  # fmt: skip
            for _ in range(rng.randint(0, 3)):
                document = rng.choice(documents)
                if (document, moment.date()) not in seen:
                    seen.add((document, moment.date()))
                    story.rows.add(ActivityEvent, user_id=member.id, organization_id=org.id,
                                   kind="content_view", subject=document, created_at=moment,
                                   day=moment.date())  # fmt: skip
            if rng.random() < 0.12:
                story.rows.add(ActivityEvent, user_id=member.id, organization_id=org.id,
                               kind="kit_download", subject=rng.choice(KIT_FILES),
                               created_at=moment)  # fmt: skip
            if rng.random() < 0.1:
                story.rows.add(ActivityEvent, user_id=member.id, organization_id=org.id,
                               kind=rng.choice(("template_copy", "template_download")),
                               subject=rng.choice(TEMPLATES), created_at=moment)  # fmt: skip
            if moment >= last:
                break


def _meetings(story: _Story, org: Organization) -> None:
    """A kickoff call, then QBRs for silver and gold partners and calls now and then."""
    if org.activated_at is None:
        return
    rng = story.rng
    story.rows.add(Meeting, organization_id=org.id, kind="call", note="Kickoff call.",
                   held_on=story.at(org.created_at + timedelta(days=3)).date(),
                   recorded_by_id=rng.choice(story.staff_ids))  # fmt: skip
    moment = org.activated_at
    while True:
        moment += timedelta(days=rng.uniform(25, 60))
        if moment >= story.now:
            return
        kind = "qbr" if org.tier != "registered" and rng.random() < 0.4 else (
            rng.choice(("call", "meeting", "joint_plan_review"))
        )  # fmt: skip
        story.rows.add(Meeting, organization_id=org.id, kind=kind, held_on=moment.date(),
                       note="Pipeline review and next steps.",
                       recorded_by_id=rng.choice(story.staff_ids))  # fmt: skip


STEPS = ("contacted", "qualified", "proposal")


def _referrals(story: _Story, org: Organization, members: list[User]) -> None:
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


def _one_referral(story: _Story, org: Organization, by: User, submitted: datetime) -> None:
    rng, program, now = story.rng, story.content.program, story.now
    regions = list(program.regions)
    region = rng.choices(regions, weights=list(REGIONS_WEIGHTS[: len(regions)]))[0]
    estimate = rng.randrange(8_000, 120_000, 500) * 100
    involvement = "sourced" if rng.random() < 0.8 else "influenced"
    owner = rng.choice(story.staff_ids) if rng.random() < 0.9 else None
    # The team answers faster as the program matures: a median of 40 hours, then 16.
    hours = rng.lognormvariate(0, 0.45) * (40 - 24 * story.maturity(submitted))
    responded = submitted + timedelta(hours=hours)
    company = f"{rng.choice(ORG_WORDS)} {rng.choice(('Logistics', 'Health', 'Retail', 'Energy', 'Media'))}"  # noqa: E501
    referral = Referral(
        organization_id=org.id, submitted_by_id=by.id, owner_id=owner,
        idempotency_key=f"demo-{story.codes}-{rng.getrandbits(40):x}", company_name=company,
        company_website="", company_domain=None, company_name_key=company.lower(),
        contact_name="Demo Contact", contact_email="contact@example.com", contact_role="CFO",
        region=region, estimated_value_minor=estimate, estimated_currency=program.currency,
        expected_timing="3-6", customer_need="Forecasts live in spreadsheets.",
        involvement=involvement, consent_confirmed_at=submitted, status="submitted",
        submitted_at=submitted, first_response_due_at=submitted + timedelta(
            hours=program.first_response_hours),
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


def _commission(story: _Story, org: Organization, referral: Referral, won: datetime) -> None:
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
