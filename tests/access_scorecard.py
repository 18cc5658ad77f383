"""Route table for the scorecard routes (merged into tests/test_access.py ACCESS).

Partner admins read their own organisation's scorecard (the routes take no organisation, so
the other organisation's admin reads their own: 200); partner users may not; staff read any
organisation's under /staff/orgs/<id>.
"""

from __future__ import annotations

from tests.access_helpers import Route, partner_admins, staff

ROUTES: dict[str, Route] = {
    "scorecard.partner": Route("/scorecard?quarter=2026-Q1", partner_admins()),
    "scorecard.partner_csv": Route("/scorecard.csv", partner_admins()),
    "scorecard.staff": Route("/staff/orgs/{org_id}/scorecard", staff()),
    "scorecard.staff_csv": Route("/staff/orgs/{org_id}/scorecard.csv?quarter=2025-Q4", staff()),
}
