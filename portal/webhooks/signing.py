"""Standard Webhooks signing: `whsec_` secrets and the three `webhook-*` headers.

The signature is the `standardwebhooks` package's own (HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}`), so any Standard Webhooks library verifies it.
While a rotated secret's overlap lasts, the header carries one signature per secret,
space-separated ("v1,… v1,…"): a receiver that knows either secret accepts the message.

Rules only: no Flask, no database.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from standardwebhooks import Webhook

__all__ = ["event_body", "new_message_id", "new_secret", "signed_headers"]

SECRET_PREFIX = "whsec_"  # noqa: S105  (the prefix Standard Webhooks secrets carry)
SECRET_BYTES = 24
USER_AGENT = "Flywheel-Webhooks/1"


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_message_id() -> str:
    """A unique `webhook-id`: the same for every attempt and replay of one event."""
    return "msg_" + secrets.token_hex(16)


def event_body(event_type: str, occurred_at: datetime, data: Mapping[str, Any]) -> str:
    """The JSON body in the Standard Webhooks shape: type, timestamp, data."""
    return json.dumps(
        {
            "type": event_type,
            "timestamp": occurred_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "data": data,
        },
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    )


def signed_headers(
    message_id: str, body: bytes, secrets_in_use: Sequence[str], sent_at: datetime
) -> dict[str, str]:
    """The request headers: content type, user agent and the three signed webhook headers."""
    if not secrets_in_use:
        raise ValueError("a webhook is signed with at least one secret")
    signatures = " ".join(
        Webhook(secret).sign(message_id, sent_at, body) for secret in secrets_in_use
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
    }
