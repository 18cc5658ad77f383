"""Route table for the tier standing routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, staff

ROUTES: dict[str, Route] = {
    "standing.reviews": Route("/staff/tiers", staff()),
    "standing.approve": Route(
        "/staff/tiers/reviews/{review_id}/approve", staff("ok"), "POST", {"reason": "Earned it"}
    ),
    "standing.decline": Route(
        "/staff/tiers/reviews/{review_id}/decline", staff("ok"), "POST", {"reason": "Not yet"}
    ),
    "standing.organization": Route("/staff/orgs/{org_id}/standing", staff()),
    "standing.record_fact": Route(
        "/staff/orgs/{org_id}/facts",
        staff("ok"),
        "POST",
        {"fact": "qbr-attended", "attested_on": "2026-01-15", "note": "QBR with both sponsors"},
    ),
}


def open_review(org_id: int) -> int:
    """An open upgrade review for the organisation (registered → silver); its id."""
    from portal.extensions import db
    from portal.standing.models import TierReview

    review = TierReview(
        organization_id=org_id,
        direction="up",
        from_tier="registered",
        to_tier="silver",
        status="open",
        reasons=["One certified person: 1 of 1"],
    )
    db.session.add(review)
    db.session.commit()
    return review.id
