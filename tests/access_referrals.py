"""Route table for the referrals routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, partners

# One entry per endpoint: referrals.new answers GET (the form) and POST (a submission); an
# empty POST re-renders the form with messages, which the form tests cover.
ROUTES: dict[str, Route] = {
    "referrals.index": Route("/referrals", partners()),
    "referrals.new": Route("/referrals/new", partners()),
    "referrals.hint": Route(
        "/referrals/hint?company_website=acme.com&contact_email=&company_name=Acme", partners()
    ),
    "referrals.submitted": Route("/referrals/{referral_ref}/submitted", partners(200, other=404)),
    "referrals.detail": Route("/referrals/{referral_ref}", partners(200, other=404)),
}
