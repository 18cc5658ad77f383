"""Route table for the playbooks routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route

ROUTES: dict[str, Route] = {}
