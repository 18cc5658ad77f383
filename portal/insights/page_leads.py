"""Section 9 of /insights: leads the partner team routed to partners, this period and last."""

from __future__ import annotations

from portal.insights.leads import LeadFigures, hours_text, lead_figures, percent_text
from portal.insights.page_context import PageContext
from portal.insights.view_model import Cell, Figure, Section, Table


def leads_section(context: PageContext) -> Section:
    period = context.query.period
    now = lead_figures(period.current.start, period.current.end)
    before = lead_figures(period.previous.start, period.previous.end)
    section = Section(
        id="leads",
        number=9,
        title="Leads routed to partners",
        intro="Leads offered to partners in the period, accepted (and how fast), and the win "
        "rate on routed leads closed in the period. Whole program: the region filter does not "
        "apply to this section.",
    )
    section.figures.extend(
        [
            Figure("leads-received", "Leads received by partners", f"{now.received:,}",
                   f"{before.received:,} the period before"),
            Figure("leads-accepted", "Leads accepted", f"{now.accepted:,}",
                   f"{before.accepted:,} the period before"),
            Figure("leads-accept-time", "Median time to accept",
                   hours_text(now.median_accept_hours)),
            Figure("leads-win-rate", "Win rate on routed leads", percent_text(now.win_rate),
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
