"""Leads routed to partners, as /insights and the partner scorecard count them.

Received: offers made in the window (by the rules or by hand). Accepted: offers accepted in
the window, and how long each took from offer to acceptance (the median, in hours). Win rate
on routed leads: of the leads a partner closed in the window (won or lost), the share won.
Live queries over the leads tables, with an optional organisation; read-only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from statistics import median

import sqlalchemy as sa

from portal.extensions import db
from portal.insights.periods import Period
from portal.leads.models import Lead, LeadOffer, LeadStatus, OfferOutcome
from portal.referrals.api import as_utc


@dataclass(frozen=True)
class LeadFigures:
    received: int
    accepted: int
    median_accept_hours: float | None
    won: int
    closed: int

    @property
    def win_rate(self) -> float | None:
        """Percent of closed routed leads that were won; None before any closed."""
        return 100 * self.won / self.closed if self.closed else None


def lead_figures(start: datetime, end: datetime, organization_id: int | None = None) -> LeadFigures:
    """The lead figures for [start, end), for one organisation or the whole program."""
    offers = sa.select(LeadOffer.offered_at, LeadOffer.decided_at, LeadOffer.outcome)
    received = sa.select(sa.func.count()).select_from(LeadOffer)
    received = received.where(LeadOffer.offered_at >= start, LeadOffer.offered_at < end)
    accepted = offers.where(
        LeadOffer.outcome == OfferOutcome.ACCEPTED,
        LeadOffer.decided_at >= start,
        LeadOffer.decided_at < end,
    )
    closed = sa.select(Lead.status, sa.func.count()).where(
        Lead.status.in_((LeadStatus.WON, LeadStatus.LOST)),
        Lead.status_changed_at >= start,
        Lead.status_changed_at < end,
    )
    if organization_id is not None:
        received = received.where(LeadOffer.organization_id == organization_id)
        accepted = accepted.where(LeadOffer.organization_id == organization_id)
        closed = closed.where(Lead.partner_id == organization_id)
    hours = [
        (as_utc(decided) - as_utc(offered)).total_seconds() / 3600
        for offered, decided, _outcome in db.session.execute(accepted)
        if decided is not None
    ]
    by_status = {row[0]: int(row[1]) for row in db.session.execute(closed.group_by(Lead.status))}
    won = by_status.get(LeadStatus.WON, 0)
    return LeadFigures(
        received=int(db.session.scalar(received) or 0),
        accepted=len(hours),
        median_accept_hours=median(hours) if hours else None,
        won=won,
        closed=won + by_status.get(LeadStatus.LOST, 0),
    )


def period_lead_figures(period: Period) -> dict[str, dict[str, float | int | None]]:
    """The figures of the period's window and the one before, as the snapshot stores them."""
    return {
        "current": asdict(lead_figures(period.current.start, period.current.end)),
        "previous": asdict(lead_figures(period.previous.start, period.previous.end)),
    }


def from_snapshot(figures: object) -> LeadFigures | None:
    """A stored figure set back as LeadFigures; None when a snapshot predates them."""
    if not isinstance(figures, dict):
        return None
    try:
        return LeadFigures(**figures)
    except TypeError:
        return None


def hours_text(hours: float | None) -> str:
    """ "5.5 h", or a dash when nothing was accepted."""
    return "—" if hours is None else f"{hours:,.1f} h"


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"
