"""Partners needing attention: the flags on the organisation list (and counted on /insights).

Each flag is a condition on Organization (an EXISTS over the organisation's rows), so the list
can filter and sort by it in the same statement that pages it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, User
from portal.learning.models import Certification
from portal.referrals.models import CLOSED_STATUSES, Referral

__all__ = [
    "EXPIRING_WITHIN",
    "FLAGS",
    "NO_LOGIN_WITHIN",
    "expiring_certificate",
    "flag_conditions",
    "stale_referral",
]

NO_LOGIN_WITHIN = timedelta(days=30)
EXPIRING_WITHIN = timedelta(days=30)
FLAGS: dict[str, str] = {
    "no_login": "No sign-in in 30 days",
    "cert_expiring": "Certificate expiring",
    "stalled": "Pipeline stalled",
}
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


def flag_conditions(now: datetime) -> dict[str, Any]:
    """flag → a condition on Organization that holds when the flag is up."""
    signed_in = sa.exists().where(
        User.organization_id == Organization.id,
        User.active.is_(True),
        User.last_login_at >= now - NO_LOGIN_WITHIN,
    )
    return {
        # Only organisations whose people can sign in: invited ones have nobody yet.
        "no_login": sa.and_(
            Organization.status.in_([OrgStatus.ONBOARDING.value, OrgStatus.ACTIVE.value]),
            ~signed_in,
        ),
        "cert_expiring": sa.exists().where(
            Certification.organization_id == Organization.id, *expiring_certificate(now)
        ),
        "stalled": sa.exists().where(
            Referral.organization_id == Organization.id, *stale_referral(now)
        ),
    }
