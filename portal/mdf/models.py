"""Market development funds: per-period allocations, fund requests, claims and their proof."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organization
from portal.db_types import UTCDateTime, utcnow
from portal.extensions import Model


class RequestStatus(StrEnum):
    REQUESTED = "requested"  # waits for a staff decision; the amount is held
    APPROVED = "approved"  # fully or partly; waits for the claim
    REJECTED = "rejected"
    CLAIMED = "claimed"  # a claim with proof waits for staff
    CLAIM_APPROVED = "claim_approved"  # the payable amount waits for payment
    PAID = "paid"
    EXPIRED = "expired"  # approved but not claimed by the deadline: the funds went back


OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.APPROVED, RequestStatus.CLAIMED)


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProofKind(StrEnum):
    INVOICE = "invoice"
    PHOTO = "photo"
    ATTENDEES = "attendees"


def mdf_reference(request_id: int) -> str:
    """The reference partners and staff quote: MDF-000123."""
    return f"MDF-{request_id:06d}"


class MdfAllocation(Model):
    """An organisation's funds for one period, and how much of them is held or spent.

    The balance is enforced by the database, not by Python: `committed_minor` only grows
    through one conditional UPDATE (`... SET committed = committed + x WHERE committed + x <=
    allocated`, portal/mdf/balance.py), which PostgreSQL re-checks on the latest row version
    after waiting for a concurrent writer's row lock, and SQLite runs one writer at a time. The
    CHECK constraint is the backstop: no statement, however written, can overspend or release
    more than was held.

    `returned_minor` is what came back into this period from requests of an earlier, closed
    period (an approval that expired, was rejected or claimed for less after its own period
    ended): a closed period's funds can no longer be requested, so released funds go to the
    period in progress instead (portal/mdf/balance.py `release`). The period's ceiling is its
    tier's allocation plus what was returned.
    """

    __tablename__ = "mdf_allocations"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "period"),
        sa.CheckConstraint(
            "committed_minor >= 0 AND committed_minor <= allocated_minor + returned_minor",
            name="within_funds",
        ),
        # What was paid out is part of what is committed (paid requests keep their hold).
        sa.CheckConstraint("paid_minor >= 0 AND paid_minor <= committed_minor", name="paid"),
        sa.CheckConstraint("returned_minor >= 0", name="returned"),
        # The staff budget table, per period and tier, from the index alone.
        sa.Index(
            "ix_mdf_allocations_period_tier",
            "period",
            "tier",
            "currency",
            "allocated_minor",
            "committed_minor",
            "paid_minor",
            "returned_minor",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    period: Mapped[str] = mapped_column(sa.String(7))  # 2026-Q4, or 2026 for yearly funds
    tier: Mapped[str] = mapped_column(sa.String(50))  # the tier whose allocation applies
    currency: Mapped[str] = mapped_column(sa.String(3))
    allocated_minor: Mapped[int] = mapped_column(sa.BigInteger)
    committed_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # held or spent
    paid_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # paid out on claims
    # Released into this period from requests of earlier periods (see above).
    returned_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MdfRequest(Model):
    """A partner admin's request for funds for one activity, and where it stands."""

    __tablename__ = "mdf_requests"
    __table_args__ = (
        sa.CheckConstraint("held_minor >= 0", name="held"),
        # The staff queue by status (oldest first) and the partner's list (newest first).
        sa.Index("ix_mdf_requests_status_id", "status", "id"),
        sa.Index("ix_mdf_requests_org_id", "organization_id", "id"),
        # `flask mdf expire`: approvals whose claim deadline passed.
        sa.Index("ix_mdf_requests_status_due", "status", "claim_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    allocation_id: Mapped[int] = mapped_column(sa.ForeignKey("mdf_allocations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    activity_type: Mapped[str] = mapped_column(sa.String(50))
    activity_date: Mapped[date] = mapped_column(sa.Date)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    expected_results: Mapped[str] = mapped_column(sa.Text, default="")
    expected_attendees: Mapped[int] = mapped_column(default=0)
    expected_meetings: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    requested_minor: Mapped[int] = mapped_column(sa.BigInteger)
    approved_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    payable_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    # What this request holds of its allocation now; the allocation's committed_minor is the
    # sum of these, and every release gives back exactly this much or part of it.
    held_minor: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(20), default=RequestStatus.REQUESTED)
    claim_due_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    payout_reference: Mapped[str] = mapped_column(sa.String(100), default="")

    organization: Mapped[Organization] = relationship()

    @property
    def reference(self) -> str:
        return mdf_reference(self.id)


class MdfClaim(Model):
    """Proof of performance for an approved request; staff approve or reject it."""

    __tablename__ = "mdf_claims"
    __table_args__ = (
        # One claim waiting for staff per request, decided by the database.
        sa.Index(
            "uq_mdf_claims_one_open",
            "request_id",
            unique=True,
            sqlite_where=sa.text("status = 'submitted'"),
            postgresql_where=sa.text("status = 'submitted'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("mdf_requests.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    actual_cost_minor: Mapped[int] = mapped_column(sa.BigInteger)
    attendees: Mapped[int] = mapped_column(default=0)
    meetings: Mapped[int] = mapped_column(default=0)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=ClaimStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")


class MdfProof(Model):
    """One uploaded proof file, stored under a generated key (never the partner's name)."""

    __tablename__ = "mdf_proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("mdf_claims.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    storage_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    download_name: Mapped[str] = mapped_column(sa.String(120))
    media_type: Mapped[str] = mapped_column(sa.String(50))
    size_bytes: Mapped[int] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MdfClaimReferral(Model):
    """A referral in the portal that a claimed activity produced (the ROI on /insights)."""

    __tablename__ = "mdf_claim_referrals"

    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("mdf_claims.id"), primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("referrals.id"), primary_key=True, index=True
    )
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("mdf_requests.id"), index=True)
