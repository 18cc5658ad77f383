"""Route table for the MDF routes (merged into tests/test_access.py ACCESS).

The world's MDF request belongs to partner_admin's organisation and is approved, so the
partner's claim with no data and every staff action on it are refused with a message (422):
"ok" means let through. Another organisation's request or proof file is not found.
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Organization, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.kits.api import store_upload
from portal.mdf.models import MdfAllocation, MdfClaim, MdfProof, MdfRequest
from tests.access_helpers import Route, partner_admins, staff

_THEIRS_404 = {"other_partner": 404}

ROUTES: dict[str, Route] = {
    "mdf.index": Route("/mdf", partner_admins()),
    "mdf.export": Route("/mdf/export.csv", partner_admins()),
    "mdf.new": Route("/mdf/new", partner_admins()),
    "mdf.detail": Route("/mdf/{mdf_request_id}", {**partner_admins(), **_THEIRS_404}),
    "mdf.claim": Route(
        "/mdf/{mdf_request_id}/claim", {**partner_admins("ok"), **_THEIRS_404}, "POST"
    ),
    # Proof files: the organisation's partner admins and staff; anyone else "not found".
    "mdf.proof": Route(
        "/mdf/proofs/{mdf_proof_id}",
        {
            "anonymous": "login",
            "partner_user": 404,
            "partner_admin": 200,
            "other_partner": 404,
            "staff": 200,
            "admin": 200,
        },
    ),
    "staff_mdf.index": Route("/staff/mdf", staff()),
    "staff_mdf.export": Route("/staff/mdf/export.csv", staff()),
    "staff_mdf.budget": Route("/staff/mdf/budget", staff()),
    "staff_mdf.budget_export": Route("/staff/mdf/budget.csv", staff()),
    "staff_mdf.detail": Route("/staff/mdf/{mdf_request_id}", staff()),
    "staff_mdf.approve": Route(
        "/staff/mdf/{mdf_request_id}/approve", staff("ok"), "POST", {"amount": "10"}
    ),
    "staff_mdf.reject": Route(
        "/staff/mdf/{mdf_request_id}/reject", staff("ok"), "POST", {"reason": "No."}
    ),
    "staff_mdf.approve_claim": Route(
        "/staff/mdf/{mdf_request_id}/claim/approve", staff("ok"), "POST"
    ),
    "staff_mdf.reject_claim": Route(
        "/staff/mdf/{mdf_request_id}/claim/reject", staff("ok"), "POST", {"reason": "No."}
    ),
    "staff_mdf.pay": Route(
        "/staff/mdf/{mdf_request_id}/pay", staff("ok"), "POST", {"payout_reference": "P-1"}
    ),
}


def build_mdf(org: Organization, admin: User) -> dict[str, Any]:
    """An approved request of the organisation with one rejected claim and its proof file."""
    allocation = MdfAllocation(
        organization_id=org.id,
        period="2026-Q4",
        tier=org.tier,
        currency="USD",
        allocated_minor=100_000,
        committed_minor=50_000,
    )
    db.session.add(allocation)
    db.session.flush()
    today = utcnow().date()
    request = MdfRequest(
        organization_id=org.id,
        allocation_id=allocation.id,
        requested_by_id=admin.id,
        activity_type="event",
        activity_date=today,
        title="Breakfast briefing",
        description="Twenty IT leaders.",
        currency="USD",
        requested_minor=50_000,
        approved_minor=50_000,
        held_minor=50_000,
        status="approved",
        claim_due_on=today,
    )
    db.session.add(request)
    db.session.flush()
    claim = MdfClaim(
        request_id=request.id,
        organization_id=org.id,
        submitted_by_id=admin.id,
        actual_cost_minor=100_000,
        status="rejected",
        decision_note="Unreadable invoice.",
    )
    db.session.add(claim)
    db.session.flush()
    proof = MdfProof(
        claim_id=claim.id,
        organization_id=org.id,
        kind="invoice",
        storage_key=store_upload(b"%PDF-1.4\n", "application/pdf"),
        download_name="invoice.pdf",
        media_type="application/pdf",
        size_bytes=9,
    )
    db.session.add(proof)
    db.session.commit()
    return {"mdf_request_id": request.id, "mdf_proof_id": proof.id}
