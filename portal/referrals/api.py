"""The referrals feature's public door: what other features may import from it.

Everything that changes a referral lives in portal/referrals and is reached through this
module, whoever clicks.
"""

from __future__ import annotations

from portal.referrals.sla import (
    DUE_SOON_WITHIN,
    SlaClock,
    as_utc,
    clock,
    describe,
    first_response_due,
    stale_due,
)

__all__ = [
    "DUE_SOON_WITHIN",
    "SlaClock",
    "as_utc",
    "clock",
    "describe",
    "first_response_due",
    "stale_due",
]
