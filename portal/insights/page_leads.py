"""Section 9 of /insights: leads the partner team routed to partners, this period and last.

The figures come with the page's other figures (compute.py: live, or from the rollup's
snapshot); each links to the staff lead list behind it.
"""

from __future__ import annotations

from flask import url_for

from portal.insights.leads import LeadFigures, from_snapshot, hours_text, percent_text
from portal.insights.page_context import PageContext
from portal.insights.view_model import Cell, Figure, Section, Table

EMPTY = LeadFigures(0, 0, None, 0, 0)


def leads_section(context: PageContext) -> Section:
    stored = context.figures.get("leads") or {}
    now = from_snapshot(stored.get("current"))
    before = from_snapshot(stored.get("previous"))
    section = Section(
        id="leads",
        number=10,
        title="Leads routed to partners",
        intro="Leads offered to partners in the period, accepted (and how fast), and the win "
        "rate on routed leads closed in the period. Whole program: the filters above do not "
        "apply to this section.",
    )
    if now is None or before is None:
        section.notes.append("Lead figures appear with the next rollup.")
        now = before = EMPTY
    leads = url_for("staff_leads.index")
    section.figures.extend(
        [
            Figure("leads-received", "Leads received by partners", f"{now.received:,}",
                   f"{before.received:,} the period before", leads),
            Figure("leads-accepted", "Leads accepted", f"{now.accepted:,}",
                   f"{before.accepted:,} the period before",
                   url_for("staff_leads.index", status="accepted")),
            Figure("leads-accept-time", "Median time to accept",
                   hours_text(now.median_accept_hours), href=leads),
            Figure("leads-win-rate", "Win rate on routed leads", percent_text(now.win_rate),
                   href=url_for("staff_leads.index", status="won"),
                   hint=f"{now.won:,} won of {now.closed:,} closed"),
        ]
    )  # fmt: skip
    section.tables.append(
        Table(
            id="leads-summary",
            caption="Routed leads, this period and the one before",
            headers=["Period", "Received", "Accepted", "Median hours to accept", "Won",
                     "Closed"],
            rows=[_row("This period", now), _row("The period before", before)],
            numeric=frozenset({1, 2, 3, 4, 5}),
        )
    )  # fmt: skip
    return section


def _row(label: str, figures: LeadFigures) -> list[Cell]:
    return [
        Cell(label),
        Cell(f"{figures.received:,}", raw=figures.received),
        Cell(f"{figures.accepted:,}", raw=figures.accepted),
        Cell(hours_text(figures.median_accept_hours), raw=figures.median_accept_hours),
        Cell(f"{figures.won:,}", raw=figures.won),
        Cell(f"{figures.closed:,}", raw=figures.closed),
    ]
