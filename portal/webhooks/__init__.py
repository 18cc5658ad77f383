"""Webhooks (Standard Webhooks): endpoints staff admins register, signed deliveries with retries.

Features publish events through `portal.outbound_events.publish_event`; `init_app` registers
this feature's outbox as the sink, so the events are written in the transaction of the change.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.outbound_events import register_event_sink
    from portal.webhooks import cli, views
    from portal.webhooks.recording import record_event

    register_event_sink(app, record_event)
    views.init_app(app)
    app.cli.add_command(cli.webhooks_cli)
