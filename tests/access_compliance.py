"""Route table for the partner agreement (merged into tests/test_access.py ACCESS).

Every partner reads the agreement; only a partner admin may accept it: a partner user's POST
answers 403 (tests/compliance/test_agreement_views.py shows nothing is recorded).
"""

from __future__ import annotations

from tests.access_helpers import Route, partner_admins, partners

ROUTES: dict[str, Route] = {
    "compliance.agreement": Route("/agreement", partners()),
    "compliance.accept": Route(
        "/agreement",
        partner_admins("ok"),
        "POST",
        {"signer_name": "Alex Kim", "authorised": "y"},
    ),
}
