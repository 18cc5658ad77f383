"""What /insights shows: the period and the filters, read from the query string.

Every argument is bounded and checked against the program: an unknown value is named in a
message and left out (the page shows every partner type, tier or region instead), never an
error page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import product
from typing import Any

from portal.content.model import Program
from portal.insights.periods import DEFAULT_PERIOD, Period, period_for

__all__ = ["ARG_MAX", "InsightsQuery", "Scope", "all_scopes", "parse_query"]

ARG_MAX = 100  # longer than any id, tier or region the program can name


@dataclass(frozen=True)
class Scope:
    """Which organisations and referrals a figure counts; "" means any."""

    partner_type: str = ""
    tier: str = ""
    region: str = ""

    def as_args(self) -> dict[str, Any]:
        args = {"type": self.partner_type, "tier": self.tier, "region": self.region}
        return {name: value for name, value in args.items() if value}

    def admits(self, partner_type: str, tier: str, region: str | None = None) -> bool:
        """Whether a row of this partner type, tier and region is counted (region None: a row
        that has no region to filter by)."""
        return (
            (not self.partner_type or partner_type == self.partner_type)
            and (not self.tier or tier == self.tier)
            and (not self.region or region is None or region == self.region)
        )


@dataclass(frozen=True)
class InsightsQuery:
    period: Period
    scope: Scope
    problems: tuple[str, ...] = field(default=(), compare=False)

    def as_args(self) -> dict[str, Any]:
        return {"period": self.period.key, **self.scope.as_args()}


def all_scopes(program: Program) -> Iterator[Scope]:
    """Every filter combination the page offers (any, or one value of each)."""
    types = ["", *(t.id for t in program.partner_types)]
    tiers = ["", *(t.id for t in program.tiers)]
    regions = ["", *program.regions]
    for partner_type, tier, region in product(types, tiers, regions):
        yield Scope(partner_type, tier, region)


def parse_query(args: Mapping[str, str], program: Program, now: datetime) -> InsightsQuery:
    """The period and filters in `args`; what could not be used is named in `problems`."""
    problems: list[str] = []

    def text(name: str) -> str:
        value = args.get(name, "")
        return value.strip()[: ARG_MAX + 1] if isinstance(value, str) else ""

    period_key = text("period") or DEFAULT_PERIOD
    period = period_for(period_key, now)
    if period is None:
        problems.append(f"Unknown period “{period_key[:50]}”: showing the last 90 days.")
        period = period_for(DEFAULT_PERIOD, now)
        assert period is not None

    def choice(name: str, known: list[str], what: str) -> str:
        value = text(name)
        if value and value not in known:
            problems.append(f"Unknown {what} “{value[:50]}”: showing every {what}.")
            return ""
        return value

    scope = Scope(
        partner_type=choice("type", [t.id for t in program.partner_types], "partner type"),
        tier=choice("tier", [t.id for t in program.tiers], "tier"),
        region=choice("region", list(program.regions), "region"),
    )
    return InsightsQuery(period=period, scope=scope, problems=tuple(problems))
