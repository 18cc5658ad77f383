"""Referrals, their timeline, company registrations, the customer list and commissions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization, User
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class ReferralStatus(StrEnum):
    """Statuses outside the program's pipeline stages (which are statuses too)."""

    SUBMITTED = "submitted"
    CONFLICT = "conflict"  # waits for staff under the rules of engagement
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WON = "won"
    LOST = "lost"


CLOSED_STATUSES = frozenset({ReferralStatus.REJECTED, ReferralStatus.WON, ReferralStatus.LOST})


class ConflictReason(StrEnum):
    REGISTERED = "registered"  # an open registration of the same company exists
    CUSTOMER = "customer"  # the company is on the customer list


def reference_of(referral_id: int) -> str:
    """The reference partners and staff quote: R-000123."""
    return f"R-{referral_id:06d}"


class Referral(Model):
    __tablename__ = "referrals"
    __table_args__ = (
        # A retried or double-clicked submission carries the same key: one referral.
        sa.UniqueConstraint("organization_id", "idempotency_key"),
        # The inbox's default order and its keyset pagination; the other columns let the
        # staff list's "pipeline stalled" flag find every stale referral from the index alone.
        sa.Index(
            "ix_referrals_next_due",
            "next_due_at",
            "id",
            "organization_id",
            "first_responded_at",
            "status",
        ),
        sa.Index("ix_referrals_status_due", "status", "next_due_at", "id"),
        # A partner's list (newest first) and the inbox filtered to one organisation.
        sa.Index("ix_referrals_org_id", "organization_id", "id"),
        sa.Index("ix_referrals_org_due", "organization_id", "next_due_at", "id"),
        # The partner home's open referrals, latest news first: read backwards, it stops after
        # the few shown instead of sorting every open referral of a large partner.
        sa.Index("ix_referrals_org_updated", "organization_id", "last_partner_update_at", "id"),
        # The inbox's "new" count and filter read only the referrals nobody has opened yet.
        sa.Index(
            "ix_referrals_unopened",
            "next_due_at",
            "id",
            sqlite_where=sa.text("first_opened_at IS NULL"),
            postgresql_where=sa.text("first_opened_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))

    company_name: Mapped[str] = mapped_column(sa.String(200))
    company_website: Mapped[str] = mapped_column(sa.String(300), default="")
    # Normalised identity (portal.referrals.normalise): the conflict check compares these.
    company_domain: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    company_name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_role: Mapped[str] = mapped_column(sa.String(200))
    region: Mapped[str] = mapped_column(sa.String(100), index=True)
    estimated_value_minor: Mapped[int] = mapped_column(sa.BigInteger)
    estimated_currency: Mapped[str] = mapped_column(sa.String(3))
    expected_timing: Mapped[str] = mapped_column(sa.String(20))
    customer_need: Mapped[str] = mapped_column(sa.Text)
    involvement: Mapped[str] = mapped_column(sa.String(20))
    consent_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    status: Mapped[str] = mapped_column(sa.String(20), default=ReferralStatus.SUBMITTED)
    conflict_reason: Mapped[str | None] = mapped_column(sa.String(20))
    # The registration this referral collided with (None for a customer conflict).
    conflict_with_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"))
    close_reason: Mapped[str] = mapped_column(sa.Text, default="")
    deal_value_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    deal_currency: Mapped[str | None] = mapped_column(sa.String(3))

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # SLA clocks, all UTC. next_due_at is the earlier running clock; None once closed.
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_partner_update_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The due time a reminder was last queued for: one reminder per breach.
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the partner team accepted it (the timeline's "accepted" event; set by add_event):
    # on the referral so "accepted in the last N days" is one index range per organisation.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who on the partner team first opened the referral's page, and when; until then the
    # inbox marks it new. Set once (referrals.seen.mark_opened), never cleared.
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def reference(self) -> str:
        return reference_of(self.id)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def __repr__(self) -> str:
        return f"<Referral {self.reference} {self.company_name!r} {self.status}>"


class ReferralEvent(Model):
    """One entry on a referral's timeline; internal ones are never shown to partners."""

    __tablename__ = "referral_events"
    __table_args__ = (sa.Index("ix_referral_events_referral", "referral_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    partner_visible: Mapped[bool] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()


class CompanyRegistration(Model):
    """Who holds a company: one row per company key, decided by the database.

    A submission claims its company with one INSERT ... ON CONFLICT DO UPDATE that only takes
    over a row whose protection has run out, so of two simultaneous submissions exactly one
    holds the registration and the other is a conflict.
    """

    __tablename__ = "company_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    protected_until: Mapped[datetime] = mapped_column(UTCDateTime())


class Customer(Model):
    """An existing customer: a referral for its domain is a conflict for staff to decide."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(sa.String(255), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommissionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    DISPUTED = "disputed"


class Commission(Model):
    """The commission on a won referral: integer minor units, never floats."""

    __tablename__ = "commissions"
    __table_args__ = (
        # An organisation's commissions (its earnings page), and this year's summed by status
        # and currency on the partner home from the index alone.
        sa.Index(
            "ix_commissions_org_created",
            "organization_id",
            "created_at",
            "status",
            "currency",
            "amount_minor",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    deal_value_minor: Mapped[int] = mapped_column(sa.BigInteger)
    rate_percent: Mapped[str] = mapped_column(sa.String(12))  # a Decimal as text
    capped: Mapped[bool] = mapped_column()
    partner_type: Mapped[str] = mapped_column(sa.String(50))
    involvement: Mapped[str] = mapped_column(sa.String(20))
    explanation: Mapped[str] = mapped_column(sa.String(400))
    status: Mapped[str] = mapped_column(sa.String(20), default=CommissionStatus.PENDING, index=True)
    # While disputed: the status to return to when the dispute is resolved.
    status_before_dispute: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approvable_from: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    payout_reference: Mapped[str] = mapped_column(sa.String(100), default="")

    referral: Mapped[Referral] = relationship()

    # The one statement of the approval rule: pending, and the hold period is over. The same
    # expression runs in Python (the action check, the row's button) and in SQL (the "ready
    # to approve" list and its count), so the page can never offer what the action refuses.
    @hybrid_method
    def is_approvable(self, now: datetime) -> bool:
        """True when the commission may be approved at `now`."""
        return (self.status == CommissionStatus.PENDING) & (self.approvable_from <= now)


class CommissionDispute(Model):
    __tablename__ = "commission_disputes"
    __table_args__ = (
        # One open dispute per commission, decided by the database.
        sa.Index(
            "uq_commission_disputes_one_open",
            "commission_id",
            unique=True,
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(sa.ForeignKey("commissions.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
