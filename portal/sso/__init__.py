"""Single sign-on with OpenID Connect (Authlib): an identity provider per organisation and one
for the partner team, routed by verified e-mail domain from the login page's first step.

Where things are: models.py (providers, domains, linked identities); settings.py (saving a
provider: checks, encryption of the secret, audit); domains.py (which domains may be claimed);
provider_http.py (discovery and keys, behind the address guard); oidc.py (state, nonce, PKCE,
code exchange and the ID token's checks); accounts_for.py (whom a verified identity signs in:
linked, known, invited, or created just in time); routing.py (what the login page asks, through
accounts' slot); views.py (the pages). The door is api.py.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and tell the login page where addresses sign in."""
    from portal.accounts.api import register_sign_in_router
    from portal.sso import routing, views

    app.register_blueprint(views.bp)
    register_sign_in_router(app, routing.router())
