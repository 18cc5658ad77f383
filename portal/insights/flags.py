"""Partners needing attention: the flags on the staff organisation list, defined here.

Each flag is a condition on Organization (an EXISTS over the organisation's rows), so the list
can filter and sort by it in the statement that pages it, and /insights can count it. They
read learning's certificates, referrals' clocks and the tier evaluation's grace periods: a
reporting-layer read, so they live here and are registered into the staff list at start
(`portal.staff.attention.register_attention_flags`, called by portal/insights/__init__.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, User
from portal.learning.models import Certification
from portal.referrals.models import CLOSED_STATUSES, Referral
from portal.staff.attention import AttentionFlag
from portal.tiers.models import TierStatus

__all__ = [
    "ATTENTION_FLAGS",
    "EXPIRING_WITHIN",
    "FLAGS",
    "NO_LOGIN_WITHIN",
    "expiring_certificate",
    "flag_conditions",
    "stale_referral",
]

NO_LOGIN_WITHIN = timedelta(days=30)
EXPIRING_WITHIN = timedelta(days=30)
_CLOSED = tuple(str(status) for status in CLOSED_STATUSES)


def stale_referral(now: datetime) -> list[Any]:
    """An open referral answered once but without a partner-visible update for the staleness
    window: its running clock (`next_due_at`) is the staleness clock, and it has passed."""
    return [
        Referral.status.not_in(_CLOSED),
        Referral.first_responded_at.is_not(None),
        Referral.next_due_at < now,
    ]


def expiring_certificate(now: datetime) -> list[Any]:
    """A certificate that is valid now and expires within EXPIRING_WITHIN."""
    return [
        Certification.revoked_at.is_(None),
        Certification.expires_at > now,
        Certification.expires_at <= now + EXPIRING_WITHIN,
    ]


def _in_grace(_now: datetime) -> Any:
    """Below its tier and keeping it for the grace period the daily evaluation started."""
    return sa.exists().where(
        TierStatus.organization_id == Organization.id, TierStatus.grace_tier.is_not(None)
    )


def _grace_ends_on(_now: datetime) -> Any:
    return (
        sa.select(TierStatus.grace_ends_on)
        .where(TierStatus.organization_id == Organization.id)
        .scalar_subquery()
    )


def _no_login(now: datetime) -> Any:
    signed_in = sa.exists().where(
        User.organization_id == Organization.id,
        User.active.is_(True),
        User.last_login_at >= now - NO_LOGIN_WITHIN,
    )
    # Only organisations whose people can sign in: invited ones have nobody yet.
    return sa.and_(
        Organization.status.in_([OrgStatus.ONBOARDING.value, OrgStatus.ACTIVE.value]),
        ~signed_in,
    )


def _cert_expiring(now: datetime) -> Any:
    return sa.exists().where(
        Certification.organization_id == Organization.id, *expiring_certificate(now)
    )


def _stalled(now: datetime) -> Any:
    return sa.exists().where(Referral.organization_id == Organization.id, *stale_referral(now))


# Heaviest first: about to lose a tier, then a stalled pipeline, then a certificate about to
# expire, then a quiet team.
ATTENTION_FLAGS: tuple[AttentionFlag, ...] = (
    AttentionFlag("grace", "In grace period", 8, _in_grace, _grace_ends_on, "until"),
    AttentionFlag("stalled", "Pipeline stalled", 4, _stalled),
    AttentionFlag("cert_expiring", "Certificate expiring", 2, _cert_expiring),
    AttentionFlag("no_login", "No sign-in in 30 days", 1, _no_login),
)
FLAGS: dict[str, str] = {flag.name: flag.label for flag in ATTENTION_FLAGS}


def flag_conditions(now: datetime) -> dict[str, Any]:
    """flag → a condition on Organization that holds when the flag is up."""
    return {flag.name: flag.condition(now) for flag in ATTENTION_FLAGS}
