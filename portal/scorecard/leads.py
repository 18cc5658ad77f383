"""The scorecard's "Leads routed to you" section: the figures of portal.insights.leads, per
quarter shown, in two statements whatever the number of quarters (the scorecard's rule).

Read live (not part of the scorecard's stored quarters), so it is not in the CSV export.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

import sqlalchemy as sa

from portal.extensions import db
from portal.insights.leads import LeadFigures, hours_text, percent_text
from portal.leads.models import Lead, LeadOffer, LeadStatus, OfferOutcome
from portal.referrals.api import as_utc
from portal.scorecard.figures import Scorecard
from portal.scorecard.quarters import Quarter
from portal.scorecard.sql import bucket, window
from portal.scorecard.table import Row, Section

__all__ = ["leads_section", "quarterly_lead_figures"]

_RECEIVED, _WON, _LOST = "received", LeadStatus.WON.value, LeadStatus.LOST.value


def quarterly_lead_figures(organization_id: int, quarters: Sequence[Quarter]) -> list[LeadFigures]:
    """Leads offered to the organisation, accepted (and how fast) and closed, per quarter, as
    portal.insights.leads.lead_figures counts one window: one statement for the counts, one
    for the accepted offers' times."""
    offered_in = bucket(LeadOffer.offered_at, quarters)
    closed_in = bucket(Lead.status_changed_at, quarters)
    counts = sa.union_all(
        sa.select(sa.literal(_RECEIVED).label("kind"), offered_in.label("q"), sa.func.count())
        .where(LeadOffer.organization_id == organization_id, window(LeadOffer.offered_at, quarters))
        .group_by(offered_in),
        sa.select(Lead.status.label("kind"), closed_in.label("q"), sa.func.count())
        .where(
            Lead.partner_id == organization_id,
            Lead.status.in_((LeadStatus.WON, LeadStatus.LOST)),
            window(Lead.status_changed_at, quarters),
        )
        .group_by(Lead.status, closed_in),
    ).subquery()
    tally: dict[tuple[str, int], int] = {
        (str(kind), int(q)): int(n) for kind, q, n in db.session.execute(sa.select(counts))
    }
    decided_in = bucket(LeadOffer.decided_at, quarters)
    hours: list[list[float]] = [[] for _ in quarters]
    for q, offered, decided in db.session.execute(
        sa.select(decided_in, LeadOffer.offered_at, LeadOffer.decided_at).where(
            LeadOffer.organization_id == organization_id,
            LeadOffer.outcome == OfferOutcome.ACCEPTED,
            window(LeadOffer.decided_at, quarters),
        )
    ):
        if decided is not None:  # the window filter leaves none out; the column allows them
            hours[int(q)].append((as_utc(decided) - as_utc(offered)).total_seconds() / 3600)
    return [
        LeadFigures(
            received=tally.get((_RECEIVED, i), 0),
            accepted=len(hours[i]),
            median_accept_hours=median(hours[i]) if hours[i] else None,
            won=tally.get((_WON, i), 0),
            closed=tally.get((_WON, i), 0) + tally.get((_LOST, i), 0),
        )
        for i in range(len(quarters))
    ]


def leads_section(card: Scorecard, organization_id: int) -> Section:
    """Leads received, accepted, median time to accept and win rate, by quarter."""
    per_quarter = quarterly_lead_figures(organization_id, [f.quarter for f in card.quarters])
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
