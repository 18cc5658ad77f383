"""Grouped rows, and the SQL pieces every figure's query shares.

Each figure's query groups its rows by partner type, tier and region (a referral's own region
for referral figures, the organisation's for organisation figures):
the page's live path filters the query to one scope first; the rollup runs it once unfiltered
and adds the groups up for every filter combination (`Rows.total`, `Rows.by_key`). Medians come
from histograms of whole units (`median`), which add up the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.extensions import db
from portal.insights.periods import Window
from portal.insights.scope import Scope

__all__ = [
    "ORG_GROUP",
    "ORG_REGION",
    "Rows",
    "day_key",
    "day_text",
    "floored",
    "hours_between",
    "in_window",
    "median",
    "org_scope",
    "referral_scope",
]

Key = tuple[Any, ...]


class Rows:
    """Rows (partner type, tier, [region], *keys, value) added up per filter combination."""

    def __init__(self, rows: Iterable[Sequence[Any]], keys: int = 0, regional: bool = False):
        self.regional = regional
        self.groups: dict[tuple[str, str, str | None], list[tuple[Key, Any]]] = defaultdict(list)
        # The rollup asks each Rows the same scopes many times: which groups a scope admits
        # is worked out once per scope.
        self._admitted_by_scope: dict[Scope, list[list[tuple[Key, Any]]]] = {}
        width = 3 if regional else 2
        for row in rows:
            group = (row[0], row[1], row[2] if regional else None)
            value = row[width + keys]
            # PostgreSQL sums bigints as numeric: whole numbers come back as Decimal.
            value = int(value) if isinstance(value, Decimal) else value
            self.groups[group].append((tuple(row[width : width + keys]), value))

    def _admitted(self, scope: Scope) -> list[list[tuple[Key, Any]]]:
        found = self._admitted_by_scope.get(scope)
        if found is None:
            found = [
                entries
                for (partner_type, tier, region), entries in self.groups.items()
                if scope.admits(partner_type, tier, region)
            ]
            self._admitted_by_scope[scope] = found
        return found

    def total(self, scope: Scope) -> int:
        """The sum of the value column over the rows the scope admits."""
        return sum(value or 0 for entries in self._admitted(scope) for _key, value in entries)

    def by_key(self, scope: Scope, index: int = 0) -> dict[Any, int]:
        """key → summed value, for one key column (histograms: bucket → count)."""
        result: dict[Any, int] = defaultdict(int)
        for entries in self._admitted(scope):
            for key, value in entries:
                result[key[index]] += value or 0
        return dict(result)

    def by_keys(self, scope: Scope) -> dict[Key, int]:
        """key tuple → summed value."""
        result: dict[Key, int] = defaultdict(int)
        for entries in self._admitted(scope):
            for key, value in entries:
                result[key] += value or 0
        return dict(result)


def median(histogram: Mapping[Any, int]) -> float | None:
    """The median of a histogram {value: how many}; None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    ordered = sorted((value, count) for value, count in histogram.items() if count > 0)

    def nth(n: int) -> float:  # 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if n < seen:
                return float(value)
        raise AssertionError("unreachable")

    middle = total // 2
    return nth(middle) if total % 2 else (nth(middle - 1) + nth(middle)) / 2


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def day_text(column: Any) -> Any:
    """The UTC day of a stored time: 'YYYY-MM-DD' text on SQLite, a date on PostgreSQL
    (a cast is several times cheaper than to_char over millions of rows); see `day_key`."""
    if _dialect() == "sqlite":
        return sa.func.substr(column, 1, 10)
    return sa.cast(column, sa.Date)


def day_key(value: Any) -> str:
    """A `day_text` value as 'YYYY-MM-DD'."""
    return value if isinstance(value, str) else value.isoformat()


def hours_between(start: Any, end: Any) -> Any:
    """Hours from one stored time to another, with fractions."""
    if _dialect() == "sqlite":
        return (sa.func.julianday(end) - sa.func.julianday(start)) * 24.0
    return sa.extract("epoch", end - start) / 3600.0


# SQLite measures time in fractional days (julianday): exactly 24 hours may come out as
# 23.99999999. A nudge far below any unit we floor to keeps whole units whole.
_NUDGE = 1e-6


def floored(expression: Any) -> Any:
    """A non-negative number rounded down to a whole number."""
    if _dialect() == "sqlite":
        return sa.cast(expression + _NUDGE, sa.Integer)
    return sa.cast(sa.func.floor(expression + _NUDGE), sa.Integer)


def in_window(column: Any, window: Window) -> Any:
    return sa.and_(column >= window.start, column < window.end)


# An organisation's region for grouping: "" when the partner team has not set one, so a
# region filter leaves it out and "any region" counts it.
ORG_REGION = sa.func.coalesce(Organization.region, sa.literal_column("''"))
# The group columns of an organisation figure (Rows(..., regional=True)).
ORG_GROUP = (Organization.partner_type, Organization.tier, ORG_REGION)


def _type_and_tier(scope: Scope) -> list[Any]:
    conditions = []
    if scope.partner_type:
        conditions.append(Organization.partner_type == scope.partner_type)
    if scope.tier:
        conditions.append(Organization.tier == scope.tier)
    return conditions


def org_scope(scope: Scope) -> list[Any]:
    """Conditions on Organization for the scope's partner type, tier and region."""
    conditions = _type_and_tier(scope)
    if scope.region:
        conditions.append(Organization.region == scope.region)
    return conditions


def referral_scope(scope: Scope, region_column: Any) -> list[Any]:
    """Conditions for a referral figure: the organisation's type and tier, the referral's
    region (the customer's, which is what a referral figure is about)."""
    conditions = _type_and_tier(scope)
    if scope.region:
        conditions.append(region_column == scope.region)
    return conditions
