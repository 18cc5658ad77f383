"""Route table for the search routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, signed_in

ROUTES: dict[str, Route] = {
    # Every signed-in user may search; staff find nothing (results are partner pages only).
    "search.results": Route("/search?q=referral", signed_in(200)),
}
