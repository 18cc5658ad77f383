"""Route table for single sign-on (merged into tests/test_access.py ACCESS)."""

from __future__ import annotations

from tests.access_helpers import Route, admins, everyone, partner_admins, staff

ROUTES: dict[str, Route] = {
    # The login page's first step: anyone; an empty form is answered with a message (422).
    "accounts.login_email": Route("/login/email", everyone("ok"), "POST"),
    "sso.partner_settings": Route("/team/sso", partner_admins()),
    "sso.org_settings": Route("/staff/orgs/{org_id}/sso", staff()),
    "sso.staff_settings": Route("/admin/sso", admins(200)),
    # The sign-in itself is public: an unknown provider is "not found", and an answer without
    # a sign-in started in this browser is refused (400) before anything else is read.
    "sso.start": Route("/sso/start/999", everyone(404)),
    "sso.callback": Route("/sso/callback?state=x&code=y", everyone(400)),
}
