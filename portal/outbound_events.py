"""Events the portal tells other systems about (webhooks), and the slot they are handed to.

The features where these changes happen (referrals, accounts, learning) sit below the
webhooks feature, which reads nothing of theirs; so they cannot import it. They call
`publish_event(type, data)` right where the change is made, inside its transaction, and the
webhooks feature registers at start the function that writes the event into its outbox
(`register_event_sink`). Without a registered sink (a command that builds no app, a test of
a feature alone) publishing does nothing.

`data` is plain JSON (str, int, bool, None, lists, dicts): what a receiver may see. Nothing
internal goes in it (no staff notes, no personal data beyond what the partner already sees).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app, has_app_context

__all__ = [
    "EVENT_TYPES",
    "EventSink",
    "publish_event",
    "register_event_sink",
]

# Event type → what it means, as the webhook registration form offers it.
EVENT_TYPES: dict[str, str] = {
    "referral.submitted": "a partner submitted a new referral",
    "referral.stage_changed": "a referral's status changed (accepted, rejected, a pipeline "
    "stage, won, lost)",
    "referral.won": "a referral was closed as won",
    "referral.lost": "a referral was closed as lost",
    "commission.approved": "a commission was approved for payout",
    "commission.paid": "a commission was paid",
    "organization.activated": "a partner organisation finished onboarding and became active",
    "certification.issued": "a partner's person earned a certification",
    "tier.changed": "a partner organisation moved to another tier",
}

EventSink = Callable[[str, Mapping[str, Any]], object]
_EXTENSION = "outbound_event_sink"


def register_event_sink(app: Flask, sink: EventSink) -> None:
    """Called once at start by the webhooks feature."""
    app.extensions[_EXTENSION] = sink


def publish_event(event_type: str, data: Mapping[str, Any]) -> None:
    """Hand the event to the registered sink, which adds rows to the session (no commit)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not has_app_context():
        return
    sink: EventSink | None = current_app.extensions.get(_EXTENSION)
    if sink is not None:
        sink(event_type, data)
