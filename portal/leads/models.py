"""Vendor leads, their offers to partners, per-period caps and partners' industry preferences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class LeadStatus(StrEnum):
    NEW = "new"  # entered, not routed yet
    CONFLICT = "conflict"  # the company is registered by a partner or a customer: staff decide
    UNROUTED = "unrouted"  # no eligible partner had room
    OFFERED = "offered"  # routed to a partner, waiting for accept or decline
    ACCEPTED = "accepted"
    CONTACTED = "contacted"
    MEETING_HELD = "meeting_held"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"


# The partner's opportunity stages after acceptance, in order (won and lost end it).
STAGES = (
    LeadStatus.ACCEPTED,
    LeadStatus.CONTACTED,
    LeadStatus.MEETING_HELD,
    LeadStatus.PROPOSAL,
    LeadStatus.WON,
    LeadStatus.LOST,
)
OPEN_STAGES = STAGES[:4]
# What the assigned partner sees: an offer, or an opportunity it accepted.
PARTNER_VISIBLE = (LeadStatus.OFFERED, *STAGES)
STATUS_NAMES = {
    LeadStatus.NEW: "New",
    LeadStatus.CONFLICT: "Conflict",
    LeadStatus.UNROUTED: "Not routed",
    LeadStatus.OFFERED: "Offered",
    LeadStatus.ACCEPTED: "Accepted",
    LeadStatus.CONTACTED: "Contacted",
    LeadStatus.MEETING_HELD: "Meeting held",
    LeadStatus.PROPOSAL: "Proposal",
    LeadStatus.WON: "Won",
    LeadStatus.LOST: "Lost",
}


class LeadSource(StrEnum):
    DIRECTORY = "directory"
    STAFF = "staff"
    IMPORT = "import"
    API = "api"


class OfferOutcome(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"  # staff assigned the lead elsewhere


class Lead(Model):
    """A prospect the vendor hands to a partner; `partner_id` is the partner it is with now."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(sa.String(200))
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    country: Mapped[str] = mapped_column(sa.String(2))
    region: Mapped[str] = mapped_column(sa.String(100), default="")
    industry: Mapped[str] = mapped_column(sa.String(100), default="")
    size: Mapped[str] = mapped_column(sa.String(100), default="")
    need: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=LeadStatus.NEW, index=True)
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    # The directory's "Contact this partner": the one partner the prospect asked for.
    named_partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    conflict_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    routing_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    lost_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    partner: Mapped[Organization | None] = relationship(foreign_keys=[partner_id])

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(LeadStatus(self.status), self.status)


class LeadOffer(Model):
    """One offer of a lead to a partner and what became of it: the routing history."""

    __tablename__ = "lead_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_rules: Mapped[bool] = mapped_column(default=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    outcome: Mapped[str] = mapped_column(sa.String(20), default=OfferOutcome.OFFERED)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    organization: Mapped[Organization] = relationship()


class LeadCap(Model):
    """How many leads a partner received in one cap period; the database enforces the cap.

    Routing takes a slot with one INSERT ... ON CONFLICT DO UPDATE SET used = used + 1 WHERE
    used < cap (routing.take_slot): concurrent routings serialise on the row and only those
    that still find room get one; the CHECK makes an over-cap row impossible whatever the code
    does.
    """

    __tablename__ = "lead_caps"
    __table_args__ = (sa.CheckConstraint("used >= 0 AND used <= cap", name="used_within_cap"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    period: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # 2026-12, 2026-W49
    cap: Mapped[int] = mapped_column()
    used: Mapped[int] = mapped_column(default=0)
    last_routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LeadIndustry(Model):
    """An industry a partner takes leads in (its lead preferences)."""

    __tablename__ = "lead_industries"
    # Routing reads the partners of one industry (the primary key leads by organisation).
    __table_args__ = (sa.Index("ix_lead_industries_industry_org", "industry", "organization_id"),)

    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id"), primary_key=True
    )
    industry: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
