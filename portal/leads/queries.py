"""Reading leads: the partner's own (scoped in one place) and the staff list with its filters."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.access import scoped_to_org
from portal.accounts.models import Organization, OrgStatus, User
from portal.extensions import db
from portal.leads.models import PARTNER_VISIBLE, Lead, LeadIndustry, LeadOffer

AGES = {"1": "Under a day", "7": "Under a week", "30": "Under a month", "old": "A month or older"}
STAFF_PAGE = 50


def partner_leads(user: User, limit: int = 200) -> list[Lead]:
    """The leads offered to or accepted by the user's organisation, newest first.

    A declined or lapsed lead has moved on (its partner_id is another's or none): it is gone.
    """
    stmt = scoped_to_org(sa.select(Lead), Lead.partner_id, user)
    stmt = stmt.where(Lead.status.in_(PARTNER_VISIBLE)).order_by(Lead.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def lead_for_partner(user: User, lead_id: int) -> Lead | None:
    """One lead of the user's organisation, or None (another's is simply not found)."""
    stmt = scoped_to_org(sa.select(Lead), Lead.partner_id, user)
    return db.session.scalar(stmt.where(Lead.id == lead_id, Lead.status.in_(PARTNER_VISIBLE)))


def staff_leads(
    now: datetime,
    status: str | None = None,
    partner_id: int | None = None,
    age: str | None = None,
    before: int | None = None,
    limit: int = STAFF_PAGE,
) -> list[Lead]:
    """Every lead for staff, newest first, by status, partner and age; partners loaded."""
    stmt = sa.select(Lead).options(sa.orm.joinedload(Lead.partner)).order_by(Lead.id.desc())
    if status:
        stmt = stmt.where(Lead.status == status)
    if partner_id:
        stmt = stmt.where(Lead.partner_id == partner_id)
    if age == "old":
        stmt = stmt.where(Lead.created_at <= now - timedelta(days=30))
    elif age in AGES:
        stmt = stmt.where(Lead.created_at > now - timedelta(days=int(age)))
    if before:
        stmt = stmt.where(Lead.id < before)
    return list(db.session.scalars(stmt.limit(limit)))


def offers_of(lead_id: int) -> list[tuple[LeadOffer, str]]:
    """The lead's routing history with each partner's name, oldest first."""
    stmt = (
        sa.select(LeadOffer, Organization.name)
        .join(Organization, Organization.id == LeadOffer.organization_id)
        .where(LeadOffer.lead_id == lead_id)
        .order_by(LeadOffer.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def active_partners() -> list[tuple[int, str]]:
    """Active partner organisations for the staff's "assign by hand" and partner filter."""
    stmt = (
        sa.select(Organization.id, Organization.name)
        .where(Organization.status == OrgStatus.ACTIVE)
        .order_by(Organization.name)
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def industries_of(organization_id: int) -> list[str]:
    """The industries a partner takes leads in."""
    return list(
        db.session.scalars(
            sa.select(LeadIndustry.industry)
            .where(LeadIndustry.organization_id == organization_id)
            .order_by(LeadIndustry.industry)
        )
    )


def set_industries(organization_id: int, industries: list[str]) -> None:
    """Replace the partner's lead industries (the caller audits and commits)."""
    db.session.execute(
        sa.delete(LeadIndustry).where(LeadIndustry.organization_id == organization_id)
    )
    db.session.add_all(
        LeadIndustry(organization_id=organization_id, industry=i) for i in industries
    )
