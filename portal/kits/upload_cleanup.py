"""Uploads whose database rows were never committed are deleted again.

A feature stores the file first and then writes the row that names it, in one transaction. If
that transaction rolls back (a refused state change, a lost race, a failed statement), the row
is gone but the file would stay in the storage for ever, named by nothing. Each file stored
through `current_uploads()` is noted on the SQLAlchemy session; a commit keeps the noted files,
and the end of the session's outermost transaction without a commit deletes them.

Deleting is best effort: a storage that fails to delete is logged, never raised (the request has
already got its answer, and an orphaned file costs only space).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.wrappers import Response

from portal.kits.storage import StorageUnavailable

if TYPE_CHECKING:
    from portal.kits.uploads import UploadStorage

__all__ = ["RollbackAwareUploads", "listen"]

_PENDING = "portal.uploads_pending"
log = logging.getLogger(__name__)


class RollbackAwareUploads:
    """An upload storage whose `put` is undone when the session's transaction is not committed."""

    def __init__(self, storage: UploadStorage, session: Session):
        self.storage = storage
        self.session = session

    @property
    def description(self) -> str:
        return self.storage.description

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Store the file, and note it for deletion should the transaction not commit."""
        self.storage.put(key, data, media_type)
        self.session.info.setdefault(_PENDING, []).append((self.storage, key))

    def get(self, key: str) -> bytes | None:
        return self.storage.get(key)

    def send(self, key: str, download_name: str, media_type: str) -> Response:
        return self.storage.send(key, download_name, media_type)

    def delete(self, key: str) -> None:
        self.storage.delete(key)


def _kept(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint inside the transaction: the outermost one decides
    for storage, key in session.info.pop(_PENDING, []):
        try:
            storage.delete(key)
        except (StorageUnavailable, OSError) as exc:
            log.warning("could not delete the uncommitted upload %s: %s", key, exc)


def listen() -> None:
    """Watch every session's commits and transaction ends (once per process)."""
    if not sa.event.contains(Session, "after_commit", _kept):
        sa.event.listen(Session, "after_commit", _kept)
        sa.event.listen(Session, "after_transaction_end", _ended)
