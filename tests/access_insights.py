"""Route table for /insights (merged into tests/test_access.py ACCESS): staff and admins."""

from __future__ import annotations

from tests.access_helpers import Route, staff

ROUTES: dict[str, Route] = {
    "insights.index": Route("/insights?period=90", staff()),
    "insights.drill": Route("/insights/drill/submitted?period=30&key=sourced", staff()),
}
