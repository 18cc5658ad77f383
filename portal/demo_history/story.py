"""The demo history's shared state (portal/demo_history): the seeded story with its clock,
the rows gathered for one bulk insert per table, and the names both halves draw from."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.content.model import ContentIndex
from portal.extensions import db

__all__ = ["MONTHS", "ORG_WORDS", "REGIONS_WEIGHTS", "Rows", "Story"]

# The demo program's regions (North America, Latin America, Europe, Middle East and Africa,
# Asia Pacific): where partners and customers are, most in North America and Europe.
REGIONS_WEIGHTS = (5, 1, 4, 1, 2)

MONTHS = 15
ORG_WORDS = ("Northwind", "Bluefin", "Copperleaf", "Driftwood", "Evergreen", "Foxglove",
             "Granite", "Harbourline", "Ironbark", "Juniper", "Kestrel", "Lakeshore", "Meridian",
             "Nimbus", "Oakridge", "Pinecrest", "Quarry", "Riverbend", "Saltmarsh", "Tidewater",
             "Upland", "Vantage", "Westgate", "Yellowpine", "Zephyr", "Alder", "Birchway",
             "Cedarline", "Dovetail", "Elmstead", "Fernway", "Glenmore", "Hollis", "Ivywood",
             "Jasper", "Kingfisher")  # fmt: skip


@dataclass
class Rows:
    """Rows gathered for one bulk insert per table."""

    tables: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, **values: Any) -> None:
        self.tables.setdefault(model, []).append(values)

    def insert(self) -> None:
        for model, rows in self.tables.items():
            db.session.execute(sa.insert(model.__table__), rows)
        self.tables.clear()


@dataclass
class Story:
    rng: random.Random
    now: datetime
    content: ContentIndex
    staff_ids: list[int]
    rows: Rows = field(default_factory=Rows)
    codes: int = 0

    def at(self, moment: datetime) -> datetime:
        """Never later than now."""
        return min(moment, self.now - timedelta(minutes=5))

    def maturity(self, moment: datetime) -> float:
        """0 at the start of the history, 1 today: the program gets better at everything."""
        span = timedelta(days=30.4 * MONTHS)
        return max(0.0, min(1.0, 1 - (self.now - moment) / span))
