"""The scorecard's "Leads routed to you" section: portal.insights.leads per quarter shown.

Read live (not part of the scorecard's stored quarters), so it is not in the CSV export.
"""

from __future__ import annotations

from portal.insights.leads import hours_text, lead_figures, percent_text
from portal.scorecard.figures import Scorecard
from portal.scorecard.table import Row, Section


def leads_section(card: Scorecard, organization_id: int) -> Section:
    """Leads received, accepted, median time to accept and win rate, by quarter."""
    per_quarter = [
        lead_figures(f.quarter.start, f.quarter.end, organization_id) for f in card.quarters
    ]
    rows = (
        ("leads-received", "Leads received", lambda x: f"{x.received}", lambda x: x.received),
        ("leads-accepted", "Leads accepted", lambda x: f"{x.accepted}", lambda x: x.accepted),
        ("leads-accept-time", "Median time to accept", lambda x: hours_text(x.median_accept_hours),
         lambda x: x.median_accept_hours),
        ("leads-win-rate", "Win rate on routed leads", lambda x: percent_text(x.win_rate),
         lambda x: x.win_rate),
    )  # fmt: skip
    return Section(
        "leads",
        "Leads routed to you",
        "Leads the partner team offered you in each quarter, those you accepted and how fast, "
        "and the share of routed leads you closed in the quarter that you won.",
        tuple(
            Row(key, label, tuple(text(f) for f in per_quarter),
                tuple("" if value(f) is None else str(value(f)) for f in per_quarter))
            for key, label, text, value in rows
        ),
    )  # fmt: skip
