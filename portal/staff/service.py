"""Rules for the partner team's work on organisations: list, create, invite.

A tier change is accounts' `change_tier` (portal.accounts.api), which the staff page calls.

Functions add to the session and never commit; the view commits once per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
from portal.content.model import Program
from portal.db_types import utcnow
from portal.extensions import db
from portal.pagination import Page, cut_page
from portal.staff.attention import AttentionFlag, ShownFlag, attention_flags

__all__ = [
    "ORGS_PER_PAGE",
    "SORTS",
    "InviteRefused",
    "OrganizationDetail",
    "OrganizationPage",
    "OrganizationRow",
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


# Sortable columns and the direction each starts in.
SORTS: dict[str, str] = {
    "created": "desc",
    "name": "asc",
    "type": "asc",
    "tier": "asc",
    "region": "asc",
    "status": "asc",
    "activated": "desc",
    "last_login": "desc",
    "attention": "desc",
    "members": "desc",
}


@dataclass(frozen=True)
class OrganizationRow:
    """An organisation in the staff list: active members, last sign-in, attention flags."""

    organization: Organization
    member_count: int
    last_login_at: datetime | None = None
    flags: list[ShownFlag] = field(default_factory=list)


# One page of the staff list. Numbered pages (1-based), not a keyset cursor: the list reads
# newest first by creation time, and page numbers are bounded (forms.MAX_PAGE).
OrganizationPage = Page[OrganizationRow, int]


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
    *,
    tier: str | None = None,
    region: str | None = None,
    flag: str | None = None,
    sort: str = "created",
    direction: str | None = None,
    tier_order: tuple[str, ...] = (),
    now: datetime | None = None,
) -> OrganizationPage:
    """A page of organisations, filtered and sorted, with members, last sign-in and flags.

    One statement whatever the page: the counts and flags are subqueries of it. `tier_order`
    (the program's tier ids, entry tier first) sorts tiers by rank rather than by id. The flags
    are the registered ones (portal/staff/attention.py).
    """
    now = now or utcnow()
    registered = attention_flags()
    flags = {flag.name: flag.condition(now) for flag in registered}
    dated = [flag for flag in registered if flag.shown_date is not None]
    members = (
        sa.select(sa.func.count(User.id))
        .where(User.organization_id == Organization.id, User.active.is_(True))
        .scalar_subquery()
    )
    last_login = (
        sa.select(sa.func.max(User.last_login_at))
        .where(User.organization_id == Organization.id)
        .scalar_subquery()
    )
    # Every flag in one column, a sum of bits weighted by severity: the database evaluates each
    # flag once per organisation, for the sort and the page alike (ORDER BY names the column).
    attention = sum(
        (sa.case((flags[flag.name], flag.weight), else_=0) for flag in registered),
        sa.literal(0),
    ).label("attention")
    dates = [flag.shown_date(now) for flag in dated if flag.shown_date is not None]
    stmt = sa.select(Organization, members, last_login, attention, *dates)
    if status:
        stmt = stmt.where(Organization.status == status)
    if partner_type:
        stmt = stmt.where(Organization.partner_type == partner_type)
    if tier:
        stmt = stmt.where(Organization.tier == tier)
    if region:
        stmt = stmt.where(Organization.region == region)
    if flag in flags:
        stmt = stmt.where(flags[flag])
    sort = sort if sort in SORTS else "created"
    keys = {
        "created": Organization.created_at,
        "name": sa.func.lower(Organization.name),
        "type": Organization.partner_type,
        "tier": sa.case(
            {tier_id: rank for rank, tier_id in enumerate(tier_order)},
            value=Organization.tier,
            else_=len(tier_order),
        )
        if tier_order
        else Organization.tier,
        "region": Organization.region,
        "status": Organization.status,
        "activated": Organization.activated_at,
        "last_login": last_login,
        "attention": attention,
        "members": members,
    }
    ascending = (direction or SORTS[sort]) == "asc"
    key = keys[sort].asc() if ascending else keys[sort].desc()
    stmt = (
        stmt.order_by(key.nulls_last(), Organization.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    results = list(db.session.execute(stmt))
    # Numbered pages: the cursor is the page number (the list's URLs say ?page=N).
    cut = cut_page(results, per_page, cursor_of=lambda _last: page + 1, after=page - 1 or None)
    return cut.map(
        lambda result: OrganizationRow(
            result[0], result[1] or 0, result[2], _shown(registered, dated, result[3], result[4:])
        )
    )


def _shown(
    registered: tuple[AttentionFlag, ...],
    dated: list[AttentionFlag],
    bits: int | None,
    dates: Any,
) -> list[ShownFlag]:
    """The flags whose bit is set, each with its date (a dated flag's column, in order)."""
    on = {flag.name: value for flag, value in zip(dated, dates, strict=True)}
    return [
        ShownFlag(flag.name, flag.label, on.get(flag.name), flag.date_wording)
        for flag in registered
        if (bits or 0) & flag.weight
    ]


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
    region: str | None = None,
) -> tuple[Organization, Invite]:
    """Create an organisation (status invited) and invite its first partner admin.

    Raises ValueError for a partner type, tier or region the program does not have, and
    InviteRefused when the e-mail already belongs to an account; nothing is added to the
    session then.
    """
    if program.partner_type(partner_type) is None:
        raise ValueError(f"unknown partner type {partner_type!r}")
    if program.tier(tier) is None:
        raise ValueError(f"unknown tier {tier!r}")
    if region and region not in program.regions:
        raise ValueError(f"unknown region {region!r}")
    try:
        email = normalise_email(admin_email)
    except AccountError as refused:
        raise InviteRefused(str(refused)) from refused
    if email_has_account(email):
        raise InviteRefused(f"{email} already has an account.")
    org = register_organization(
        actor, name=name, partner_type=partner_type, tier=tier, website=website, region=region
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
