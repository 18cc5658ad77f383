"""What tier criteria are judged on: plain values about one organisation, no database.

`portal.standing.gather` fills these from the features' tables; tests build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Certificate:
    """A certificate held by a person of the organisation."""

    user_id: int
    path_id: str
    issued_at: datetime
    expires_at: datetime | None = None  # None: never expires
    revoked_at: datetime | None = None

    def is_current(self, now: datetime) -> bool:
        """Issued, not revoked, and not yet expired at `now`."""
        if self.issued_at > now or (self.revoked_at is not None and self.revoked_at <= now):
            return False
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True)
class WonDeal:
    """A referral won, with its deal value in minor units of its currency."""

    closed_at: datetime
    value_minor: int
    currency: str


@dataclass(frozen=True)
class Attestation:
    """A fact the partner team recorded for the organisation, dated the day it was true."""

    fact: str
    attested_on: date


@dataclass(frozen=True)
class OrgFacts:
    """Everything the criteria of every tier look at, for one organisation.

    Event lists may hold more than any window needs (gathering reads from the longest window
    on); the evaluation applies each criterion's own window.
    """

    organization_id: int
    partner_type: str
    tier: str
    acknowledged_steps: frozenset[str] = frozenset()  # onboarding steps ticked
    activated_at: datetime | None = None  # onboarding completed
    certificates: tuple[Certificate, ...] = ()
    accepted_referrals: tuple[datetime, ...] = ()  # when each referral was accepted
    won_deals: tuple[WonDeal, ...] = ()
    attestations: tuple[Attestation, ...] = ()
