"""What every section of /insights is built from: the figures, the query, labels and links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for

from portal.content.model import ContentIndex
from portal.insights.compute import Figures
from portal.insights.scope import InsightsQuery
from portal.insights.view_model import change_text

__all__ = ["PageContext"]


@dataclass(frozen=True)
class PageContext:
    """What every section builder needs: the figures, the request's query, labels, links."""

    figures: Figures
    query: InsightsQuery
    content: ContentIndex
    now: datetime

    @property
    def currency(self) -> str:
        return self.content.program.currency

    @property
    def period_words(self) -> str:
        """How the page names the previous period in change texts."""
        return (
            "the quarter before"
            if self.query.period.is_quarter
            else (f"the {self.query.period.key} days before")
        )

    def changed(self, current: Any, previous: Any, **options: Any) -> str:
        """The change against the previous period in words, naming that period."""
        words = change_text(current, previous, **options)
        return f"{words} on {self.period_words}" if words else ""

    def drill(self, figure: str, key: str | None = None) -> str:
        """The list behind a figure, for this period and these filters."""
        return url_for("insights.drill", figure=figure, key=key, **self.query.as_args())

    def orgs(self, **args: Any) -> str:
        """The organisation list, filtered to this page's partner type, tier and region."""
        scope = self.query.scope
        return url_for(
            "staff.orgs",
            type=scope.partner_type or None,
            tier=scope.tier or None,
            region=scope.region or None,
            **args,
        )

    def inbox(self, **args: Any) -> str:
        """The referral inbox, filtered to this page's region."""
        return url_for("inbox.index", region=self.query.scope.region or None, **args)

    def exact_in_inbox(self) -> bool:
        """The inbox filters by region but not by partner type or tier."""
        scope = self.query.scope
        return not scope.partner_type and not scope.tier

    def path_title(self, path_id: str) -> str:
        path = self.content.paths.get(path_id)
        return path.title if path is not None else path_id

    def type_name(self, type_id: str) -> str:
        partner_type = self.content.program.partner_type(type_id)
        return partner_type.name if partner_type is not None else type_id

    def tier_name(self, tier_id: str) -> str:
        tier = self.content.program.tier(tier_id)
        return tier.name if tier is not None else tier_id
