"""The reporting layer's door for the REST API: the figures /insights shows, as data.

`program_figures` reads the period and filters as the page does (`parse_query`) and takes
its figures the page's way (`page_figures`: the hourly snapshot, else computed live), so the
API and the page never disagree. It is the one module of the layer the API may import (the
import contract in pyproject.toml names exactly this import; docs/architecture.md says why).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.content.model import ContentIndex
from portal.insights.periods import Period, offered_periods
from portal.insights.rollup import page_figures
from portal.insights.scope import ARG_MAX, Scope, parse_query

__all__ = ["ARG_MAX", "FILTER_ARGS", "ProgramFigures", "offered_period_keys", "program_figures"]

# The query arguments /insights reads besides `period` (partner type, tier, region).
FILTER_ARGS = ("type", "tier", "region")


@dataclass(frozen=True)
class ProgramFigures:
    period: Period  # the windows the figures cover
    scope: Scope  # the filters applied ("" for any)
    figures: dict[str, Any]  # by section, as the page reads them (JSON)
    computed_at: datetime
    live: bool  # computed for this request: no snapshot of the period yet
    stale: bool  # the snapshot is older than the hourly rollup should leave it
    problems: tuple[str, ...]  # arguments that could not be used, as the page words them


def offered_period_keys(now: datetime) -> list[str]:
    """The periods the page offers: "30", "90", "365" and the last eight quarters."""
    return [key for key, _label in offered_periods(now)]


def program_figures(
    args: Mapping[str, str], content: ContentIndex, now: datetime
) -> ProgramFigures:
    """The page's figures for these arguments (period, type, tier, region)."""
    query = parse_query(args, content.program, now)
    shown = page_figures(query, content, now)
    return ProgramFigures(
        period=shown.period,
        scope=query.scope,
        figures=shown.figures,
        computed_at=shown.computed_at,
        live=shown.live,
        stale=shown.is_stale(now),
        problems=query.problems,
    )
