"""After the activity: the claim with proof of performance, its decision, and the payment.

The payable amount is the vendor's share of the actual cost (program.yml
`mdf.vendor_share_percent`), never more than was approved; what the claim does not use goes
back to the funds of the period in progress when staff approve it (portal/mdf/balance.py). A
rejected claim returns the request to approved, so the partner may claim again until the
deadline (`flask mdf expire` then releases the funds). Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model_governance import MdfRules
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf import balance
from portal.mdf.models import (
    ClaimStatus,
    MdfClaim,
    MdfClaimReferral,
    MdfProof,
    MdfRequest,
    RequestStatus,
)
from portal.mdf.service import (
    COUNT_MAX,
    TEXT_MAX,
    MdfError,
    audit,
    check_note,
    money,
    notify_admins,
    released_to,
    returned_text,
    status_label,
)

PAYOUT_REFERENCE_MAX = 100
ALREADY_CLAIMED = "A claim for this request already waits for the partner team."


@dataclass(frozen=True)
class StoredProof:
    """A proof file already checked and stored (portal.kits.api.store_upload)."""

    kind: str
    storage_key: str
    download_name: str
    media_type: str
    size_bytes: int


@dataclass(frozen=True)
class ClaimInput:
    actual_cost_minor: int
    attendees: int = 0
    meetings: int = 0
    results: str = ""
    referral_ids: tuple[int, ...] = ()  # the organisation's own referrals (checked by the view)
    proofs: tuple[StoredProof, ...] = field(default_factory=tuple)


def payable_for(request: MdfRequest, actual_cost_minor: int, rules: MdfRules) -> int:
    """The vendor's share of the actual cost, at most the approved amount (rounded down)."""
    share = actual_cost_minor * rules.vendor_share_percent // 100
    return min(request.approved_minor or 0, share)


def submit_claim(
    request: MdfRequest, user: User, data: ClaimInput, now: datetime | None = None
) -> MdfClaim:
    """A partner admin claims an approved request with proof; no commit."""
    now = now or utcnow()
    if not user.is_partner_admin or user.organization_id != request.organization_id:
        raise MdfError("Only your organisation's partner admins can claim funds.")
    if request.status == RequestStatus.CLAIMED:
        raise MdfError(ALREADY_CLAIMED)
    if request.status != RequestStatus.APPROVED:
        raise MdfError(f"This request is {status_label(request.status)}: it cannot be claimed.")
    if now.date() < request.activity_date:
        raise MdfError(f"Claim after the activity, from {request.activity_date:%d %b %Y}.")
    if now.date() > request.claim_due_on:
        raise MdfError(f"The claim was due by {request.claim_due_on:%d %b %Y}.")
    if data.actual_cost_minor <= 0:
        raise MdfError("Enter the activity's actual cost from the invoice.")
    if not any(p.kind == "invoice" for p in data.proofs):
        raise MdfError("Attach the invoice as proof of the cost.")
    for count in (data.attendees, data.meetings):
        if not 0 <= count <= COUNT_MAX:
            raise MdfError(f"Results are whole numbers up to {COUNT_MAX:,}.")
    results = (data.results or "").strip()
    if len(results) > TEXT_MAX:
        raise MdfError(f"Keep the results to {TEXT_MAX} characters or fewer.")
    claim = MdfClaim(
        request_id=request.id,
        organization_id=request.organization_id,
        submitted_by_id=user.id,
        actual_cost_minor=data.actual_cost_minor,
        attendees=data.attendees,
        meetings=data.meetings,
        results=results,
        status=ClaimStatus.SUBMITTED,
        submitted_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except sa.exc.IntegrityError:  # a simultaneous claim won
        raise MdfError(ALREADY_CLAIMED) from None
    for proof in data.proofs:
        db.session.add(
            MdfProof(
                claim_id=claim.id,
                organization_id=request.organization_id,
                kind=proof.kind,
                storage_key=proof.storage_key,
                download_name=proof.download_name,
                media_type=proof.media_type,
                size_bytes=proof.size_bytes,
                uploaded_at=now,
            )
        )
    for referral_id in sorted(set(data.referral_ids)):
        db.session.add(
            MdfClaimReferral(claim_id=claim.id, referral_id=referral_id, request_id=request.id)
        )
    request.status = RequestStatus.CLAIMED
    audit(
        user,
        "mdf.claimed",
        request,
        {"status": RequestStatus.APPROVED},
        {"status": RequestStatus.CLAIMED, "actual_cost_minor": data.actual_cost_minor},
    )
    return claim


def open_claim(request: MdfRequest) -> MdfClaim | None:
    """The claim waiting for staff on this request, locked until commit."""
    return db.session.scalar(
        sa.select(MdfClaim)
        .where(MdfClaim.request_id == request.id, MdfClaim.status == ClaimStatus.SUBMITTED)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def approve_claim(
    request: MdfRequest, actor: User, rules: MdfRules, now: datetime | None = None
) -> MdfClaim:
    """Staff approve the claim: the payable amount stays held, the rest goes back; no commit."""
    now = now or utcnow()
    claim = open_claim(request) if request.status == RequestStatus.CLAIMED else None
    if claim is None:
        raise MdfError("No claim waits for a decision on this request.")
    payable = payable_for(request, claim.actual_cost_minor, rules)
    released = request.held_minor - payable
    period = balance.release(request, released, rules, now.date())
    request.held_minor = payable
    request.payable_minor = payable
    request.status = RequestStatus.CLAIM_APPROVED
    claim.status = ClaimStatus.APPROVED
    claim.decided_at = now
    claim.decided_by_id = actor.id
    audit(
        actor,
        "mdf.claim_approved",
        request,
        {"status": RequestStatus.CLAIMED},
        {"status": RequestStatus.CLAIM_APPROVED, "amount_minor": payable}
        | released_to(released, period),
    )
    notify_admins(
        request,
        f"Claim approved for {request.title}",
        f"{money(request, payable)} will be paid: {rules.vendor_share_percent}% of the "
        f"{money(request, claim.actual_cost_minor)} claimed, up to the "
        f"{money(request, request.approved_minor)} approved."
        f"{returned_text(request, released, period)}",
        "",
    )
    return claim


def reject_claim(
    request: MdfRequest, actor: User, reason: str, now: datetime | None = None
) -> MdfClaim:
    """Staff reject the claim with a reason; the partner may claim again by the deadline."""
    now = now or utcnow()
    reason = check_note(reason, required=True)
    claim = open_claim(request) if request.status == RequestStatus.CLAIMED else None
    if claim is None:
        raise MdfError("No claim waits for a decision on this request.")
    request.status = RequestStatus.APPROVED
    claim.status = ClaimStatus.REJECTED
    claim.decided_at = now
    claim.decided_by_id = actor.id
    claim.decision_note = reason
    audit(
        actor,
        "mdf.claim_rejected",
        request,
        {"status": RequestStatus.CLAIMED},
        {"status": RequestStatus.APPROVED, "reason": reason},
    )
    notify_admins(
        request,
        f"Claim not approved for {request.title}",
        f"You may claim again with corrected proof by {request.claim_due_on:%d %b %Y}.",
        reason,
    )
    return claim


def mark_paid(
    request: MdfRequest, actor: User, payout_reference: str, now: datetime | None = None
) -> None:
    """Record the payment of an approved claim, as commissions are paid; no commit."""
    if request.status != RequestStatus.CLAIM_APPROVED:
        raise MdfError("Approve the claim before marking it paid.")
    reference = (payout_reference or "").strip()
    if not reference:
        raise MdfError("Enter the payout reference from the payment.")
    if len(reference) > PAYOUT_REFERENCE_MAX or not reference.isprintable():
        raise MdfError(
            f"The payout reference is at most {PAYOUT_REFERENCE_MAX} printable characters."
        )
    balance.record_paid(request.allocation_id, request.payable_minor or 0)
    request.status = RequestStatus.PAID
    request.paid_at = now or utcnow()
    request.paid_by_id = actor.id
    request.payout_reference = reference
    audit(
        actor,
        "mdf.paid",
        request,
        {"status": RequestStatus.CLAIM_APPROVED},
        {"status": RequestStatus.PAID, "payout_reference": reference},
    )
    notify_admins(
        request,
        f"Funds paid for {request.title}",
        f"{money(request, request.payable_minor)} was paid (payout reference {reference}).",
        "",
    )
