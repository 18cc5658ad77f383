"""Route table for the playbooks routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, partners

# The fixture items used here have no audience: every partner type and tier may see them.
ROUTES: dict[str, Route] = {
    "playbooks.library": Route("/playbooks", partners()),
    "playbooks.kind": Route("/playbooks/talk-tracks", partners()),
    "playbooks.item": Route("/playbooks/talk-tracks/discovery-call", partners()),
}
