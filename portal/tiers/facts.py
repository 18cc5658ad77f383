"""What tier criteria are judged on: plain values about one organisation, no database.

`portal.tiers.gather` fills these from the features' tables; tests build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
class WindowTotals:
    """An organisation's referral outcomes in one trailing window (N days up to the moment the
    facts were gathered), counted by the database: a partner with a hundred thousand referrals
    is one row, not a hundred thousand moments."""

    accepted_referrals: int = 0  # referrals the partner team accepted in the window
    won_deals: int = 0
    won_value_minor: int = 0  # deals won in the window, in the program's currency only


@dataclass(frozen=True)
class Attestation:
    """A fact the partner team recorded for the organisation, dated the day it was true."""

    fact: str
    attested_on: date


@dataclass(frozen=True)
class OrgFacts:
    """Everything the criteria of every tier look at, for one organisation.

    Certificates and attestations are listed and judged at `now` by the evaluation; referral
    outcomes come as totals per trailing window (`windows`, by its length in days), counted up
    to the moment they were gathered: a window nobody gathered counts nothing.
    """

    organization_id: int
    partner_type: str
    tier: str
    # The version of the partner agreement binding when gathered is accepted (by an admin).
    agreement_current: bool = False
    # Every compliance document the partner type keeps is approved and unexpired.
    compliance_current: bool = False
    activated_at: datetime | None = None  # onboarding completed
    certificates: tuple[Certificate, ...] = ()
    windows: Mapping[int, WindowTotals] = field(default_factory=dict)
    attestations: tuple[Attestation, ...] = ()

    def in_window(self, days: int) -> WindowTotals:
        """The referral outcomes of the trailing `days`-day window (zeros if not gathered)."""
        return self.windows.get(days, _NOTHING)


_NOTHING = WindowTotals()
