"""Route table for co-marketing approvals (merged into tests/test_access.py ACCESS).

The world's piece belongs to partner_user's organisation and awaits review: the other
organisation's partner gets 404 on it, staff 403 on partner pages; its file downloads for the
organisation and for staff. A new version is refused (422, "ok") while it awaits review.
"""

from __future__ import annotations

from tests.access_helpers import Route, partners, signed_in, staff

PIECE = "/approvals/{piece_id}"

ROUTES: dict[str, Route] = {
    "comarketing.index": Route("/approvals", partners()),
    "comarketing.export": Route("/approvals/export.csv", partners()),
    "comarketing.new": Route("/approvals/new", partners()),
    "comarketing.piece": Route(PIECE, partners(200, other=404)),
    "comarketing.new_version": Route(
        f"{PIECE}/versions", partners("ok", other=404), "POST", {"url": "https://example.com/v2"}
    ),
    "comarketing.download": Route(
        f"{PIECE}/versions/{{piece_version_id}}/file", {**signed_in(200), "other_partner": 404}
    ),
    "comarketing_staff.queue": Route("/staff/approvals", staff()),
    "comarketing_staff.export": Route("/staff/approvals/export.csv", staff()),
    "comarketing_staff.review": Route("/staff/approvals/{piece_id}", staff()),
    "comarketing_staff.decide": Route(
        "/staff/approvals/{piece_id}/decision", staff("ok"), "POST", {"decision": "rejected"}
    ),
}
