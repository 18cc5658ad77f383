"""Rules for the partner team's work on organisations: list, create, invite, change tier.

Functions add to the session and never commit; the view commits once per request.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.api import (
    AccountError,
    create_invite,
    normalise_email,
    pending_invites,
    register_organization,
    team_members,
)
from portal.accounts.models import Invite, Organization, OrgStatus, Role, User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.extensions import db

__all__ = [
    "ORGS_PER_PAGE",
    "InviteRefused",
    "OrganizationDetail",
    "OrganizationPage",
    "OrganizationRow",
    "change_tier",
    "create_organization",
    "email_has_account",
    "invite_person",
    "list_organizations",
    "organization_detail",
]

ORGS_PER_PAGE = 25
INVITABLE_ROLES = frozenset({Role.PARTNER_USER, Role.PARTNER_ADMIN})


class InviteRefused(ValueError):
    """An invitation that the rules do not allow; the message is shown beside the e-mail field."""


@dataclass(frozen=True)
class OrganizationRow:
    """An organisation in the staff list with its number of active members."""

    organization: Organization
    member_count: int


@dataclass(frozen=True)
class OrganizationPage:
    """One page of the staff list; `page` is 1-based."""

    rows: list[OrganizationRow]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class OrganizationDetail:
    """What the staff organisation page shows besides the checklist and certifications."""

    organization: Organization
    members: list[User]
    pending_invites: list[Invite]


def list_organizations(
    status: str | None = None,
    partner_type: str | None = None,
    page: int = 1,
    per_page: int = ORGS_PER_PAGE,
) -> OrganizationPage:
    """A page of organisations, newest first, with active-member counts (two statements)."""
    stmt = sa.select(Organization)
    if status:
        stmt = stmt.where(Organization.status == status)
    if partner_type:
        stmt = stmt.where(Organization.partner_type == partner_type)
    stmt = (
        stmt.order_by(Organization.created_at.desc(), Organization.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    orgs = list(db.session.scalars(stmt))
    has_next = len(orgs) > per_page
    orgs = orgs[:per_page]
    counts = _active_member_counts([o.id for o in orgs])
    rows = [OrganizationRow(o, counts.get(o.id, 0)) for o in orgs]
    return OrganizationPage(rows=rows, page=page, has_next=has_next)


def _active_member_counts(org_ids: list[int]) -> dict[int, int]:
    if not org_ids:
        return {}
    stmt = (
        sa.select(User.organization_id, sa.func.count(User.id))
        .where(User.organization_id.in_(org_ids), User.active.is_(True))
        .group_by(User.organization_id)
    )
    return dict(db.session.execute(stmt).all())


def organization_detail(org: Organization) -> OrganizationDetail:
    """The organisation with its members and its open invitations."""
    return OrganizationDetail(org, team_members(org), pending_invites(org))


def email_has_account(email: str) -> bool:
    """Whether someone already signs in with this e-mail (in any organisation)."""
    stmt = sa.select(User.id).where(sa.func.lower(User.email) == email.strip().lower())
    return db.session.scalar(stmt) is not None


def create_organization(
    actor: User,
    program: Program,
    *,
    name: str,
    partner_type: str,
    tier: str,
    admin_email: str,
    website: str = "",
) -> tuple[Organization, Invite]:
    """Create an organisation (status invited) and invite its first partner admin.

    Raises ValueError for a partner type or tier the program does not have, and InviteRefused
    when the e-mail already belongs to an account; nothing is added to the session then.
    """
    if program.partner_type(partner_type) is None:
        raise ValueError(f"unknown partner type {partner_type!r}")
    if program.tier(tier) is None:
        raise ValueError(f"unknown tier {tier!r}")
    try:
        email = normalise_email(admin_email)
    except AccountError as refused:
        raise InviteRefused(str(refused)) from refused
    if email_has_account(email):
        raise InviteRefused(f"{email} already has an account.")
    org = register_organization(
        actor, name=name, partner_type=partner_type, tier=tier, website=website
    )
    invite, _token = create_invite(email, Role.PARTNER_ADMIN, org, actor)
    return org, invite


def invite_person(actor: User, org: Organization, email: str, role: str) -> Invite:
    """Invite a partner user or admin into the organisation (not while it is suspended)."""
    if role not in INVITABLE_ROLES:
        raise InviteRefused("Choose a partner role.")
    if org.status == OrgStatus.SUSPENDED:
        raise InviteRefused("This organisation is suspended; reinstate it before inviting.")
    try:
        invite, _token = create_invite(email, role, org, actor)
    except AccountError as refused:
        raise InviteRefused(str(refused)) from refused
    return invite


def change_tier(actor: User | None, org: Organization, tier: str, program: Program) -> bool:
    """Move the organisation to another tier of the program; False when it is already there."""
    if program.tier(tier) is None:
        raise ValueError(f"unknown tier {tier!r}")
    if org.tier == tier:
        return False
    before = {"tier": org.tier}
    org.tier = tier
    record_audit(
        actor,
        "organization.tier_changed",
        "organization",
        org.id,
        organization_id=org.id,
        before=before,
        after={"tier": tier},
    )
    return True
