"""Route table for the inbox routes (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, staff


def _post(action: str, data: dict[str, str] | None = None) -> Route:
    return Route(f"/inbox/{{referral_ref}}/{action}", staff("ok"), "POST", data)


ROUTES: dict[str, Route] = {
    "inbox.index": Route("/inbox/", staff()),
    "inbox.export": Route("/inbox/export.csv", staff()),
    "inbox.referral": Route("/inbox/{referral_ref}", staff()),
    "inbox.row_actions": Route("/inbox/{referral_ref}/actions?next=/inbox/", staff()),
    "inbox.assign": _post("assign", {"owner": "me"}),
    "inbox.accept": _post("accept"),
    "inbox.reject": _post("reject", {"reason": "Not a fit"}),
    "inbox.advance": _post("advance"),
    "inbox.update": _post("update", {"message": "Hello"}),
    "inbox.note": _post("note", {"message": "Hello"}),
    "inbox.value": _post("value", {"amount": "1000.00", "currency": "USD"}),
    "inbox.won": _post("won", {"amount": "1000.00", "currency": "USD"}),
    "inbox.lost": _post("lost", {"reason": "Went elsewhere"}),
}
