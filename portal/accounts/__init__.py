"""Accounts feature: organisations, users, invitations, sign-in, password resets."""

from __future__ import annotations

from flask import Flask

from portal.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the blueprint, Flask-Login, the session rules and the `flask users` commands."""
    from portal.accounts import authentication, cli, signin, users, views

    app.register_blueprint(views.bp)
    app.add_template_filter(users.role_label, "role_label")

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    # Idle timeout, absolute lifetime, remember-me and the redirect to the login page.
    signin.init_app(app)
    # "basic": a session seen from another address or browser is marked not fresh rather than
    # dropped, so partners on mobile networks (whose address changes) stay signed in.
    login_manager.session_protection = "basic"
    # The session holds User.session_token; rotating it, deactivation or a suspended
    # organisation signs the user out on their next request.
    login_manager.user_loader(authentication.load_signed_in_user)

    app.cli.add_command(cli.users_cli)
