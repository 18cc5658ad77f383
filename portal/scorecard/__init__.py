"""The quarterly scorecard: a reporting layer above the features.

It reads the features' models for aggregate queries (the design's one declared exception, as
portal/insights does) and writes nothing; no feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /scorecard, the staff scorecard under each organisation,
    `flask scorecard refresh`, and the partner home's tier card source."""
    from portal.main.tier_card import register_tier_card_source
    from portal.scorecard import cli, tier_card, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.scorecard_cli)
    # The partner home's tier card, from tier standing (portal/main may not import it).
    register_tier_card_source(app, tier_card.partner_tier_card)
