"""Demo leads in several states, offered to the demo partners by the partner team.

The demo organisations are still onboarding, so the routing rules (active partners only)
find nobody for them: the demo offers leads by hand, as staff would, and routes two by the
rules to show the "no eligible partner" outcome and its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads import service
from portal.leads.intake import LeadInput, clean
from portal.leads.models import LeadIndustry, LeadSource

# company, contact, country, industry, partner index (None: by the rules), days ago, steps
DEMO_LEADS = (
    ("Northwind Clinics", "Nora Berg", "DE", "Healthcare", 0, 1, ()),
    ("Lumen Insurance", "Lars Kühn", "NL", "Financial services", 0, 9, ("accept", "meeting_held")),
    ("Cascade Outfitters", "Cara Diaz", "US", "Retail", 1, 30, ("accept", "proposal", "won")),
    ("Pinecrest Manufacturing", "Paul Reid", "CA", "Manufacturing", 1, 20, ("accept", "lost")),
    ("Orbit Logistics", "Omar Haddad", "FR", "Software", 1, 4, ("decline",)),
    ("Atlas Public Works", "Ana Lima", "GB", "Public sector", None, 2, ()),
    ("Meridian Software", "Mei Tan", "US", "Software", None, 3, ()),
)


def load_demo_leads(users: Sequence[User], program: Program, now: datetime | None = None) -> int:
    """Create the demo leads; no commit. Returns how many were created."""
    now = now or utcnow()
    db.session.flush()
    staff = next((u for u in users if u.is_staff), None)
    admins: dict[int, User] = {}
    for user in users:
        if user.is_partner_admin and user.organization_id is not None:
            admins.setdefault(user.organization_id, user)
    partners = list(admins.values())
    if staff is None or not partners:
        return 0
    for admin in partners:
        assert admin.organization_id is not None
        db.session.add_all(
            LeadIndustry(organization_id=admin.organization_id, industry=industry)
            for industry in program.leads.industries
        )
    created = 0
    for company, contact, country, industry, index, days_ago, steps in DEMO_LEADS:
        at = now - timedelta(days=days_ago)
        slug = company.split()[0].lower()
        data, problems = clean(
            LeadInput(company=company, contact_name=contact, contact_email=f"{slug}@example.com",
                      country=country, industry=industry,
                      need="Wants a partner to implement revenue analytics this quarter."),
            program.leads, program.regions,
        )  # fmt: skip
        if problems:
            continue
        lead = service.create_lead(data, LeadSource.STAFF, staff, at)
        created += 1
        if index is None:
            service.route_lead(lead, program, at, staff)
            continue
        admin = partners[index % len(partners)]
        assert admin.organization_id is not None
        reason = f"Assigned by hand by {staff.display_name}."
        service.offer(lead, admin.organization_id, program, at, reason, False, staff)
        for step in steps:
            at += timedelta(days=1)
            if step == "accept":
                service.accept(lead, admin, at)
            elif step == "decline":
                service.decline(lead, admin, "Outside our practice.", program, at)
            else:
                lost = "Chose to build in-house." if step == "lost" else ""
                service.advance(lead, admin, step, lost, at)
    db.session.flush()
    return created


def route_demo_leads_by_rules(program: Program, staff: Sequence[User]) -> int:
    """Once the demo history's active partners exist: let them take leads in every industry
    and route the demo leads still waiting by the rules; no commit. Returns how many went."""
    from portal.accounts.models import Organization, OrgStatus
    from portal.leads.models import Lead, LeadStatus

    industries = program.leads.industries
    active = db.session.scalars(
        sa.select(Organization.id).where(
            Organization.status == OrgStatus.ACTIVE,
            ~sa.exists().where(LeadIndustry.organization_id == Organization.id),
        )
    ).all()
    db.session.add_all(
        LeadIndustry(organization_id=org_id, industry=industry)
        for org_id in active
        for industry in industries
    )
    db.session.flush()
    actor = staff[0] if staff else None
    routed = 0
    for lead in db.session.scalars(sa.select(Lead).where(Lead.status == LeadStatus.UNROUTED)):
        service.route_lead(lead, program, utcnow(), actor)
        routed += lead.status == LeadStatus.OFFERED
    return routed
