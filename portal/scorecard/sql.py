"""SQL pieces the scorecard's reads share: quarters as ranges and buckets, conditional counts.

Times are compared as ranges (`column >= start AND column < end`), never through a function of
the column, so each read can use an index range.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from portal.scorecard.quarters import Quarter

__all__ = ["bucket", "count_when", "during", "per_quarter", "sum_when", "window"]


def during(column: Any, quarter: Quarter) -> sa.ColumnElement[bool]:
    return sa.and_(column >= quarter.start, column < quarter.end)


def window(column: Any, quarters: Sequence[Quarter]) -> sa.ColumnElement[bool]:
    """From the first quarter's start up to the last one's end."""
    return sa.and_(column >= quarters[0].start, column < quarters[-1].end)


def bucket(column: Any, quarters: Sequence[Quarter]) -> sa.ColumnElement[int]:
    """Which of the quarters (0 = the first) a time inside the window falls in."""
    last = len(quarters) - 1
    if last == 0:  # a CASE needs a WHEN
        return sa.literal(0)
    return sa.case(*((column < q.end, i) for i, q in enumerate(quarters[:last])), else_=last)


def count_when(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((sa.and_(*conditions), 1)))


def sum_when(value: Any, *conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*conditions), value), else_=0)), 0)


def per_quarter(row: Any, names: Sequence[str], quarters: Sequence[Quarter]) -> list[dict]:
    """A wide row (`name_0`, `name_1`, ...) as one dict of figures per quarter."""
    mapping = row._mapping
    return [
        {name: int(mapping[f"{name}_{i}"] or 0) for name in names} for i in range(len(quarters))
    ]
