"""Route table for the earnings routes (merged into tests/test_access.py ACCESS).

The World's commission belongs to partner_user's organisation and is pending inside its hold
period, so the staff actions are refused with a message (422): "ok" means let through.
"""

from __future__ import annotations

from tests.access_helpers import Route, partners, staff

ROUTES: dict[str, Route] = {
    # Partner side: the organisation's earnings and disputing one of its commissions.
    "earnings.index": Route("/earnings", partners()),
    "earnings.dispute": Route(
        "/earnings/{commission_id}/dispute",
        partners("ok", other=404),
        "POST",
        {"reason": "The deal value was higher than recorded."},
    ),
    # Staff side: the commission list and its actions.
    "inbox_commissions.index": Route("/inbox/commissions", staff()),
    "inbox_commissions.approve": Route(
        "/inbox/commissions/{commission_id}/approve", staff("ok"), "POST"
    ),
    "inbox_commissions.pay": Route(
        "/inbox/commissions/{commission_id}/pay",
        staff("ok"),
        "POST",
        {"payout_reference": "PAY-2027-0001"},
    ),
    "inbox_commissions.resolve": Route(
        "/inbox/commissions/disputes/{dispute_id}/resolve",
        staff("ok"),
        "POST",
        {"answer": "We checked the contract: the recorded value is right."},
    ),
}
