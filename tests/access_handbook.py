"""Route table for the partner team's handbook (merged into tests/test_access.py ACCESS).

The fixture content has a staff-only page (qbr-guide) and talk track (qualify-partner); the
same documents at the partner addresses answer partners 404 (tests/playbooks/test_handbook.py).
"""

from __future__ import annotations

from tests.access_helpers import Route, staff

ROUTES: dict[str, Route] = {
    "handbook.index": Route("/staff/handbook", staff()),
    "handbook.page": Route("/staff/handbook/pages/qbr-guide", staff()),
    "handbook.item": Route("/staff/handbook/talk-tracks/qualify-partner", staff()),
}
