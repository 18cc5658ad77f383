"""Demo single sign-on: Brightline Consulting's provider, set up by the partner team and
switched off.

Switched off on purpose: its issuer (login.brightline.example) answers nowhere, and while no
provider is on the login page keeps its one-step form, so every demo login printed by
`make run` signs in as before. Priya (Brightline's partner admin) sees the settings on
/team/sso, staff on /staff/orgs/<id>/sso; switching it on there shows the check against the
provider's discovery document refusing an unreachable issuer.
"""

from __future__ import annotations

from flask import current_app

from portal.accounts.models import Role, User
from portal.sso.settings import ProviderInput, save_provider


def load_demo_sso(users: list[User]) -> None:
    """Brightline's provider (off), configured by the demo staff member; no commit."""
    staff = next((u for u in users if u.role == Role.STAFF), None)
    brightline = next(
        (u.organization for u in users if u.email.endswith("@brightline.example")), None
    )
    if staff is None or brightline is None:
        return
    save_provider(
        staff,
        brightline,
        ProviderInput(
            issuer="https://login.brightline.example",
            client_id="flywheel-partner-portal",
            client_secret="demo-client-secret-not-real",  # noqa: S106 (demo only)
            domains="brightline.example",
            enabled=False,
            jit_provisioning=True,
            password_login_disabled=False,
        ),
        secret_key=current_app.config["SECRET_KEY"],
        allowed_hosts=current_app.config["SSO_ALLOWED_HOSTS"],
    )
