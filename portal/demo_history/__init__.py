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
from datetime import datetime, timedelta
from typing import Any

from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.audit.models import ActivityEvent
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.demo_history.referrals import seed_referrals
from portal.demo_history.story import MONTHS, ORG_WORDS, REGIONS_WEIGHTS, Story
from portal.extensions import db
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.staff.models import Meeting
from portal.tiers.models import TierStatus

__all__ = ["MONTHS", "load_demo_history"]

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
ORG_KINDS = {"referral": "Advisory", "reseller": "Solutions", "alliance": "Technologies"}
PAGES = ("program-guide", "rules-of-engagement", "attribution-and-payouts", "governance")
KIT_FILES = ("revenue-teams-one-pager/keelstone-for-revenue-teams.pdf",)
TEMPLATES = ("introduction-email-sequence/1-introduction", "partnership-announcement/company-post")


def load_demo_history(content: ContentIndex, staff: list[User], now: datetime | None = None) -> int:
    """Add the history to the session (no commit); returns the organisations created."""
    story = Story(random.Random(20260212), now or utcnow(), content, [u.id for u in staff])
    orgs = _organisations(story)
    for org, members in orgs:
        _learning(story, org, members)
        _activity(story, org, members)
        _meetings(story, org)
        seed_referrals(story, org, members)
    _grace_periods(story, [org for org, _members in orgs])
    story.rows.insert()
    return len(orgs)


def _grace_periods(story: Story, orgs: list[Organization]) -> None:
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


def _organisations(story: Story) -> list[tuple[Organization, list[User]]]:
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


def _members(story: Story, org: Organization, invited: datetime, activated: datetime | None):
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


def _learning(story: Story, org: Organization, members: list[User]) -> None:
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


def _activity(story: Story, org: Organization, members: list[User]) -> None:
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


def _meetings(story: Story, org: Organization) -> None:
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
