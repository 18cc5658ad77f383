"""The renewal cycle: a certification's status, and from when passed modules count.

A valid certification means the path is complete. Once it expires or is revoked the path is
due for renewal, and only modules passed after that certification was issued (after it was
revoked, for a revoked one) count: renewing means passing the path's quizzes again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from portal.learning.models import Certification

VALID: Final = "valid"
EXPIRED: Final = "expired"
REVOKED: Final = "revoked"


def certification_status(cert: Certification, now: datetime) -> str:
    """`"revoked"`, `"expired"` (at or after `expires_at`) or `"valid"`."""
    if cert.revoked_at is not None:
        return REVOKED
    if cert.expires_at is not None and cert.expires_at <= now:
        return EXPIRED
    return VALID


def cycle_start(latest: Certification | None, now: datetime) -> datetime | None:
    """When the current cycle began: the issue time of an expired latest certification, the
    revocation time of a revoked one, else None.

    With no certification every completion counts; with a valid one the path is complete anyway.
    A revocation discards every pass before it, so it cannot be undone by claiming the
    certificate again on the strength of passes made while it was held.
    """
    status = certification_status(latest, now) if latest is not None else None
    if latest is None or status == VALID:
        return None
    if status == REVOKED and latest.revoked_at is not None:
        return max(latest.issued_at, latest.revoked_at)
    return latest.issued_at


def in_cycle(moment: datetime | None, start: datetime | None) -> bool:
    """True when something that happened at `moment` belongs to the cycle that began at `start`."""
    return moment is not None and (start is None or moment > start)
