"""Route table for the design-system page (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, staff

ROUTES: dict[str, Route] = {
    "main.styleguide": Route("/styleguide", staff()),
}
