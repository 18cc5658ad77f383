"""The partner home's tier card: what it shows, and the one door it is filled through.

Tier standing is computed by a reporting layer above the features (portal/tiers), which
no feature may import. So the home does not ask it directly: the layer registers a source,
a function from an organisation to its `TierCard`, with `register_tier_card_source` when the
app starts, and the home calls `tier_card_for(org)`. Without a source there is no tier card
(and nothing in its place).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app

from portal.accounts.models import Organization

__all__ = [
    "CriterionProgress",
    "TierCard",
    "TierCardSource",
    "register_tier_card_source",
    "tier_card_for",
]

_EXTENSION = "partner_tier_card_source"


@dataclass(frozen=True)
class CriterionProgress:
    """One criterion of the next tier: where the partner stands and what moves it."""

    label: str  # as the program words it: "Two people holding a current certificate"
    value: int  # a count, an amount in minor units, or 0/1 for a yes/no criterion
    target: int
    met: bool
    progress: str  # the value against the target in words: "1 of 2", "USD 45,000.00 of ..."
    missing: str  # what it still takes, e.g. "1 more certified person"; "" once met
    action: str  # what moves it, e.g. "Co-Selling Essentials", "Submit a referral"
    action_url: str | None  # where to do it; None when the partner team records it


@dataclass(frozen=True)
class TierCard:
    """The organisation's tier, the next tier's criteria, and a grace period if one runs."""

    tier: str  # the current tier's name
    next_tier: str | None  # None at the top tier
    criteria: tuple[CriterionProgress, ...]  # the next tier's; empty at the top
    grace_tier: str | None = None  # the tier kept while below its requirements
    grace_ends_on: date | None = None
    grace_missing: tuple[str, ...] = ()  # what the kept tier asks that is not met, in words

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.criteria if c.met)


TierCardSource = Callable[[Organization], TierCard | None]


def register_tier_card_source(app: Flask, source: TierCardSource) -> None:
    """Called once at start by the layer that computes tier standing."""
    app.extensions[_EXTENSION] = source


def tier_card_for(org: Organization) -> TierCard | None:
    """The organisation's tier card, or None when no source is registered (or it has none)."""
    source: TierCardSource | None = current_app.extensions.get(_EXTENSION)
    return None if source is None else source(org)
