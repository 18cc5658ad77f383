"""Sections other features add to the partner's earnings page: the slot they fill.

Market development funds (portal/mdf) read referrals through their door (a claim links the
referrals an activity produced), so referrals may not import mdf. Instead mdf registers a
section source when the app starts, and the earnings page asks `earnings_sections(org_id)`.
A source returns the template to include and its context, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

__all__ = ["EarningsSection", "earnings_sections", "register_earnings_section"]

_EXTENSION = "earnings_section_sources"


@dataclass(frozen=True)
class EarningsSection:
    """One section: the template the page includes, with `section` as its context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


EarningsSectionSource = Callable[[int], EarningsSection | None]


def register_earnings_section(app: Flask, source: EarningsSectionSource) -> None:
    """Called once at start by a feature that adds a section."""
    app.extensions.setdefault(_EXTENSION, []).append(source)


def earnings_sections(organization_id: int) -> list[EarningsSection]:
    """The sections registered sources give for the organisation, in registration order."""
    sources: list[EarningsSectionSource] = current_app.extensions.get(_EXTENSION, [])
    return [s for s in (source(organization_id) for source in sources) if s is not None]
