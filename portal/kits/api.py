"""The kits feature's public door: what other features may import from it."""

from __future__ import annotations

from portal.kits.presentation import KIND_LABELS
from portal.kits.service import org_has_kit_download
from portal.kits.storage import StorageUnavailable
from portal.kits.uploads import UploadStore, upload_store

__all__ = [
    "KIND_LABELS",
    "StorageUnavailable",
    "UploadStore",
    "org_has_kit_download",
    "upload_store",
]
