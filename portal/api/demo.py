"""Demo API tokens: one of a partner organisation (its CRM sync), one of the partner team.

Their secrets are not printed (they are shown once, at creation, like any token's): the demo
shows the token pages with tokens in use; create a new one there to call the API.
"""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role, User
from portal.api.tokens import create_token
from portal.db_types import utcnow


def load_demo_tokens(users: list[User]) -> None:
    """A partner admin's and an admin's token, used a little while ago; no commit."""
    now = utcnow()
    partner_admin = next((u for u in users if u.role == Role.PARTNER_ADMIN), None)
    admin = next((u for u in users if u.role == Role.ADMIN), None)
    if partner_admin is not None:
        crm = create_token(
            partner_admin, "CRM sync", ["referrals:read", "referrals:write"], 90, now=now
        )
        crm.token.last_used_at = now - timedelta(minutes=12)
    if admin is not None:
        sync = create_token(admin, "Salesforce sync", ["referrals:read", "org:read"], 180, now=now)
        sync.token.last_used_at = now - timedelta(hours=2)
