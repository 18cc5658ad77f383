"""Flywheel partner portal: the app factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask

from portal.config import load_settings
from portal.prerequisites import check_backends


def create_app(config_overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, content, blueprints and CLI commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_settings(Path(app.instance_path)))
    if config_overrides:
        app.config.update(config_overrides)
    check_backends(app.config)

    from portal import (  # noqa: F401  (models)
        cli,
        content_runtime,
        database,
        http,
        models,
        static_files,
        urls,
    )
    from portal.accounts import init_app as init_accounts
    from portal.admin import init_app as init_admin
    from portal.api import init_app as init_api
    from portal.audit import init_app as init_audit
    from portal.comarketing import init_app as init_comarketing
    from portal.compliance import init_app as init_compliance
    from portal.directory import init_app as init_directory
    from portal.extensions import csrf, db, htmx, limiter
    from portal.inbox import init_app as init_inbox
    from portal.insights import init_app as init_insights
    from portal.kits import init_app as init_kits
    from portal.leads import init_app as init_leads
    from portal.learning import init_app as init_learning
    from portal.main import init_app as init_main
    from portal.mdf import init_app as init_mdf
    from portal.notify import init_app as init_notify
    from portal.onboarding import init_app as init_onboarding
    from portal.playbooks import init_app as init_playbooks
    from portal.questions import init_app as init_questions
    from portal.referrals import init_app as init_referrals
    from portal.scorecard import init_app as init_scorecard
    from portal.search import init_app as init_search
    from portal.sso import init_app as init_sso
    from portal.staff import init_app as init_staff
    from portal.tiers import init_app as init_tiers
    from portal.webhooks import init_app as init_webhooks

    db.init_app(app)
    database.init_app(app)
    if click.get_current_context(silent=True) is not None:
        # Only the `flask` command line needs migrations: Alembic and Mako would cost every web
        # worker about 11 MB. Code that migrates outside the command line calls init_migrations.
        init_migrations(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    http.init_app(app)
    urls.init_app(app)
    content_runtime.init_app(app)
    for init_feature in (
        init_accounts,
        init_notify,
        init_audit,
        init_compliance,
        init_onboarding,
        init_learning,
        init_referrals,
        init_leads,
        init_inbox,
        init_kits,
        init_comarketing,
        init_mdf,
        init_playbooks,
        init_questions,
        init_search,
        init_main,
        init_staff,
        init_admin,
        init_directory,
        init_webhooks,
        init_sso,
        init_api,  # calls the features' doors: after them
        init_tiers,  # the reporting layers above the features: registered last
        init_scorecard,
        init_insights,
    ):
        init_feature(app)
    cli.init_app(app)
    static_files.init_app(app)  # wraps the WSGI app: after ProxyFix (http), outermost
    return app


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to the app: what `flask db ...` and migrations/env.py read."""
    from flask_migrate import Migrate

    from portal.extensions import db

    Migrate(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
