"""What the /insights templates render: figures with their change, tables, charts, sections.

Every table is also the page's CSV (`?format=csv&table=<id>`), so a table's cells keep the
raw value beside the text shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.insights.charts import Chart
from portal.money import from_minor

__all__ = [
    "Cell",
    "Figure",
    "Section",
    "Table",
    "change_text",
    "count_text",
    "money_text",
    "percent",
    "percent_text",
]


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    raw: Any = None  # what the CSV holds (the text when None)

    @property
    def csv(self) -> str:
        return self.text if self.raw is None else str(self.raw)


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()  # columns aligned right


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    value: str
    change: str = ""  # against the previous period; "" for figures about now
    href: str | None = None
    hint: str = ""


@dataclass
class Section:
    id: str
    number: int
    title: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def count_text(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def money_text(minor: int | None, currency: str) -> str:
    """Whole units for figures: "USD 905,400" (cents would be noise at this scale)."""
    if minor is None:
        return "—"
    return f"{currency} {from_minor(int(minor), currency):,.0f}"


def percent(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


def change_text(
    current: float | None,
    previous: float | None,
    unit: str = "",
    points: bool = False,
    currency: str = "",
) -> str:
    """The change against the previous period in words: "+12 (+25 %)", "no change".

    `points`: the figures are percentages, compared in percentage points; `currency`: they
    are amounts in minor units of that currency.
    """
    if current is None or previous is None:
        return "no comparison" if previous is None and current is not None else ""
    delta = current - previous
    if points:
        return "no change" if abs(delta) < 0.05 else f"{delta:+.1f} points"
    if delta == 0:
        return "no change"
    number = (
        f"{delta:+,.1f}"
        if isinstance(delta, float) and delta != int(delta)
        else (f"{int(delta):+,}")
    )
    if currency:
        sign = "+" if delta > 0 else "-"
        number = f"{sign}{money_text(abs(int(delta)), currency)}"
    number = f"{number}{unit}"
    if previous == 0:
        return f"{number} (none before)"
    return f"{number} ({100 * delta / previous:+.0f} %)"
