"""Partner standing: tier criteria judged every day, grace periods, the staff review queue.

A reporting layer above the features: it reads their models for aggregate queries (the design's
one declared exception) and changes their data only through their functions (an
organisation's tier through `portal.staff.service.change_tier`). No feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.standing import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.tiers_cli)
    app.add_template_global(views.tier_standing)
