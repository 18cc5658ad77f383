"""`Idempotency-Key` on a new referral: one key, one request body, one referral.

The key is stored on the referral (its unique (organisation, key) makes the insert happen
once, as the referral form's own key does); here the API keeps the SHA-256 of the request's
canonical body beside it. The same key with the same body is a retry and gets the original
201 again; the same key with another body is a mistake in the integration, refused with 422,
never answered with the referral the first body made.

The canonical body is the validated one (marshmallow's output: known fields only, defaults
filled in) as JSON with sorted keys and no spaces, so key order, spacing and an omitted
optional field do not make two requests differ; any changed value does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa

from portal.api.models import ApiIdempotencyKey
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db

__all__ = ["KEY_REUSED", "body_hash", "first_body_hash", "remember"]

KEY_REUSED = (
    "This Idempotency-Key was used before with a different request body. "
    "Send a new key for a new referral, or the first body unchanged to retry it."
)


def body_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the validated body's canonical JSON."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_body_hash(organization_id: int, key: str) -> str | None:
    """The body hash stored with this key in the organisation, None for a new key."""
    return db.session.scalar(
        sa.select(ApiIdempotencyKey.body_hash).where(
            ApiIdempotencyKey.organization_id == organization_id,
            ApiIdempotencyKey.key == key,
        )
    )


def remember(organization_id: int, key: str, hashed: str) -> str:
    """Store the key's body hash unless one is stored; the stored one (the first). No commit.

    ON CONFLICT DO NOTHING: of two requests racing with one key, the first to commit keeps
    its hash and the other reads it (PostgreSQL waits for the first transaction).
    """
    db.session.execute(
        insert_for_dialect(ApiIdempotencyKey)
        .values(organization_id=organization_id, key=key, body_hash=hashed, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["organization_id", "key"])
    )
    stored = first_body_hash(organization_id, key)
    return stored if stored is not None else hashed
