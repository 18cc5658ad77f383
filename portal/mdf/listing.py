"""Reading MDF: the partner's requests, the staff queue, one request, the budget per tier.

Every list is one statement (keyset pages on the request id, never OFFSET), so the pages keep
a flat statement count whatever the volume.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.access import scoped_to_org
from portal.accounts.models import Organization, User
from portal.extensions import db
from portal.mdf.models import (
    MdfAllocation,
    MdfClaim,
    MdfClaimReferral,
    MdfProof,
    MdfRequest,
    RequestStatus,
)
from portal.pagination import Page, cut_page
from portal.referrals.api import company_names_of

# A page of the staff queue or of a partner's requests: 25 rows, as the questions and
# co-marketing queues show (the page's cost is its rows' rendering, not its query).
PAGE_SIZE = 25
PARTNER_PAGE_SIZE = 25
WAITING = (RequestStatus.REQUESTED, RequestStatus.CLAIMED)
# On the partner's earnings page: what still moves (requests, approvals, claims, payouts due).
IN_PROGRESS = (
    RequestStatus.REQUESTED,
    RequestStatus.APPROVED,
    RequestStatus.CLAIMED,
    RequestStatus.CLAIM_APPROVED,
)


@dataclass(frozen=True)
class QueueRow:
    request: MdfRequest
    organization_name: str


QueuePage = Page[QueueRow, int]


def staff_queue(status: str, cursor: int | None = None, per_page: int = PAGE_SIZE) -> QueuePage:
    """A page of requests: waiting for staff (default, oldest first), one status, or all."""
    stmt = sa.select(MdfRequest, Organization.name).join(
        Organization, Organization.id == MdfRequest.organization_id
    )
    ascending = status in ("", *WAITING)
    if status == "":
        stmt = stmt.where(MdfRequest.status.in_(WAITING))
    elif status != "all":
        stmt = stmt.where(MdfRequest.status == status)
    if cursor is not None:
        stmt = stmt.where(MdfRequest.id > cursor if ascending else MdfRequest.id < cursor)
    order = MdfRequest.id.asc() if ascending else MdfRequest.id.desc()
    results = db.session.execute(stmt.order_by(order).limit(per_page + 1)).all()
    page = cut_page(results, per_page, cursor_of=lambda row: row[0].id, after=cursor)
    return page.map(lambda row: QueueRow(row[0], row[1]))


def iter_queue(status: str) -> Iterator[QueueRow]:
    """Every request of the filter, page by page (the CSV export)."""
    cursor: int | None = None
    while True:
        page = staff_queue(status, cursor, per_page=500)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def org_requests(organization_id: int, limit: int | None = None) -> list[MdfRequest]:
    """The organisation's requests, newest first."""
    stmt = (
        sa.select(MdfRequest)
        .where(MdfRequest.organization_id == organization_id)
        .order_by(MdfRequest.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def partner_page(organization_id: int, before: int | None) -> Page[MdfRequest, int]:
    """One page of the organisation's requests, newest first (keyset on the id).

    Ordered by (organization_id, id) so the plan reads ix_mdf_requests_org_id backwards and
    stops after a page, whether the organisation made ten requests or ten thousand.
    """
    stmt = sa.select(MdfRequest).where(MdfRequest.organization_id == organization_id)
    if before is not None:
        stmt = stmt.where(MdfRequest.id < before)
    stmt = stmt.order_by(MdfRequest.organization_id.desc(), MdfRequest.id.desc())
    rows = db.session.scalars(stmt.limit(PARTNER_PAGE_SIZE + 1)).all()
    return cut_page(rows, PARTNER_PAGE_SIZE, lambda request: request.id, before)


def in_progress(organization_id: int, limit: int = 20) -> list[MdfRequest]:
    """The organisation's requests still moving, newest first (uses ix_mdf_requests_org_id)."""
    return list(
        db.session.scalars(
            sa.select(MdfRequest)
            .where(
                MdfRequest.organization_id == organization_id,
                MdfRequest.status.in_(IN_PROGRESS),
            )
            .order_by(MdfRequest.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class RequestDetail:
    request: MdfRequest
    organization_name: str
    requested_by: str
    claims: list[MdfClaim]
    proofs: dict[int, list[MdfProof]]  # claim id -> its proof files
    referral_ids: dict[int, list[int]]  # claim id -> referrals it links

    @property
    def open_claim(self) -> MdfClaim | None:
        return next((c for c in self.claims if c.status == "submitted"), None)


def request_detail(request: MdfRequest) -> RequestDetail:
    """A request with its organisation, requester, claims, proof files and linked referrals."""
    names = db.session.execute(
        sa.select(Organization.name, User.display_name)
        .select_from(MdfRequest)
        .join(Organization, Organization.id == MdfRequest.organization_id)
        .join(User, User.id == MdfRequest.requested_by_id)
        .where(MdfRequest.id == request.id)
    ).one()
    claims = list(
        db.session.scalars(
            sa.select(MdfClaim).where(MdfClaim.request_id == request.id).order_by(MdfClaim.id)
        )
    )
    proofs: dict[int, list[MdfProof]] = {}
    referral_ids: dict[int, list[int]] = {}
    if claims:
        claim_ids = [c.id for c in claims]
        for proof in db.session.scalars(
            sa.select(MdfProof).where(MdfProof.claim_id.in_(claim_ids)).order_by(MdfProof.id)
        ):
            proofs.setdefault(proof.claim_id, []).append(proof)
        for claim_id, referral_id in db.session.execute(
            sa.select(MdfClaimReferral.claim_id, MdfClaimReferral.referral_id)
            .where(MdfClaimReferral.claim_id.in_(claim_ids))
            .order_by(MdfClaimReferral.referral_id)
        ):
            referral_ids.setdefault(claim_id, []).append(referral_id)
    return RequestDetail(request, names[0], names[1], claims, proofs, referral_ids)


def proof_scope_request(request_id: int, user: User) -> MdfRequest | None:
    """The request if the user may see it (own organisation, or staff), without a lock."""
    stmt = sa.select(MdfRequest).where(MdfRequest.id == request_id)
    return db.session.scalar(scoped_to_org(stmt, MdfRequest.organization_id, user))


def referral_names(detail: RequestDetail) -> dict[int, str]:
    """Company names of the referrals the request's claims link (one query)."""
    ids = {referral_id for ids in detail.referral_ids.values() for referral_id in ids}
    return company_names_of(detail.request.organization_id, ids)


def proof_for(proof_id: int, user: User) -> MdfProof | None:
    """A proof file the user may download: their organisation's, or any for staff."""
    proof = db.session.get(MdfProof, proof_id)
    if proof is None:
        return None
    if user.is_staff or (user.is_partner_admin and user.organization_id == proof.organization_id):
        return proof
    return None


@dataclass(frozen=True)
class BudgetRow:
    period: str
    tier: str
    currency: str
    organizations: int
    allocated: int
    committed: int
    paid: int
    returned: int = 0

    @property
    def available(self) -> int:
        return self.allocated + self.returned - self.committed


def budget_by_tier(limit_periods: int = 8) -> list[BudgetRow]:
    """Funds allocated, held or spent, and paid, per period and tier (latest periods first).

    Allocated counts the organisations that used their funds in the period (an allocation row
    exists from an organisation's first request of the period). One aggregate over the
    allocations of the latest periods (ix_mdf_allocations_period_tier).
    """
    periods = list(
        db.session.scalars(
            sa.select(MdfAllocation.period)
            .group_by(MdfAllocation.period)
            .order_by(MdfAllocation.period.desc())
            .limit(limit_periods)
        )
    )
    if not periods:
        return []
    totals = db.session.execute(
        sa.select(
            MdfAllocation.period,
            MdfAllocation.tier,
            MdfAllocation.currency,
            sa.func.count(),
            sa.func.sum(MdfAllocation.allocated_minor),
            sa.func.sum(MdfAllocation.committed_minor),
            sa.func.sum(MdfAllocation.paid_minor),
            sa.func.sum(MdfAllocation.returned_minor),
        )
        .where(MdfAllocation.period.in_(periods))
        .group_by(MdfAllocation.period, MdfAllocation.tier, MdfAllocation.currency)
        .order_by(MdfAllocation.period.desc(), MdfAllocation.tier.desc())
    ).all()
    return [
        BudgetRow(
            period, tier, currency, count, int(allocated or 0), int(committed or 0),
            int(paid or 0), int(returned or 0),
        )
        for period, tier, currency, count, allocated, committed, paid, returned in totals
    ]  # fmt: skip
