"""The webhooks feature's door: what the rest of the app (the demo, the CLI wiring) may call.

Features never call webhooks: they publish events through `portal.outbound_events`, and this
feature's sink (`record_event`) writes them into its outbox.
"""

from __future__ import annotations

from portal.webhooks.delivery import DeliveryReport, deliver_due
from portal.webhooks.endpoints import EndpointRefused, NewSecret, register_endpoint
from portal.webhooks.recording import record_event

__all__ = [
    "DeliveryReport",
    "EndpointRefused",
    "NewSecret",
    "deliver_due",
    "record_event",
    "register_endpoint",
]
