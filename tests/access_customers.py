"""Route table for the customers routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, staff

ROUTES: dict[str, Route] = {
    "customers.index": Route("/inbox/customers", staff()),
    "customers.add": Route(
        "/inbox/customers", staff("ok"), "POST", {"website_or_domain": "initrode.com"}
    ),
    "customers.upload": Route("/inbox/customers/upload", staff("ok"), "POST"),
    "customers.remove": Route("/inbox/customers/{customer_id}/delete", staff("ok"), "POST"),
}
