"""E-mails to partner admins about their tier, queued in the outbox with the change."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.models import Organization, Role, User
from portal.content.model import Program, Tier
from portal.extensions import db
from portal.notify.outbox import queue_email

__all__ = ["partner_admins", "tell_grace_started"]


def partner_admins(organization_ids: list[int]) -> dict[int, list[User]]:
    """Each organisation's active partner admins, who hear about its tier (one statement)."""
    admins: dict[int, list[User]] = {org_id: [] for org_id in organization_ids}
    users = db.session.scalars(
        sa.select(User)
        .where(
            User.organization_id.in_(organization_ids),
            User.role == Role.PARTNER_ADMIN.value,
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    for user in users:
        admins[user.organization_id or 0].append(user)
    return admins


def tell_grace_started(
    org: Organization,
    admins: list[User],
    program: Program,
    tier: Tier,
    falls_to: Tier,
    missing: list[str],
    ends_on: date,
) -> int:
    """E-mail each partner admin what is missing and the day the grace period ends; how many."""
    for admin in admins:
        queue_email(
            admin.email,
            "tier_grace_started",
            f"{org.name}: keep the {tier.name} tier by {ends_on.strftime('%d %B %Y')}",
            recipient_name=admin.first_name,
            organization_name=org.name,
            program_name=program.name,
            tier_name=tier.name,
            next_tier_name=falls_to.name,
            missing=missing,
            ends_on=ends_on,
        )
    return len(admins)
