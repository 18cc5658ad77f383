"""Route table for the customers routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route

ROUTES: dict[str, Route] = {}
