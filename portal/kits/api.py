"""The kits feature's public door: what other features may import from it.

Besides the kit library, the kits feature keeps the storage every upload goes through
(uploads.py): local disk or the kit bucket, generated names, attachment downloads; and
the one check of what an uploaded file is, by its content (sniff.py).
"""

from __future__ import annotations

from portal.kits.presentation import KIND_LABELS
from portal.kits.service import kit_choices, kit_for, org_has_kit_download
from portal.kits.sniff import JPEG, PDF, PNG, UPLOAD_KINDS, FileKind, sniff
from portal.kits.storage import StorageUnavailable
from portal.kits.uploads import (
    UploadStorage,
    current_uploads,
    new_upload_key,
    read_upload,
    send_upload,
    sniff_media_type,
    store_upload,
)

__all__ = [
    "JPEG",
    "KIND_LABELS",
    "PDF",
    "PNG",
    "UPLOAD_KINDS",
    "FileKind",
    "StorageUnavailable",
    "UploadStorage",
    "current_uploads",
    "kit_choices",
    "kit_for",
    "new_upload_key",
    "org_has_kit_download",
    "read_upload",
    "send_upload",
    "sniff",
    "sniff_media_type",
    "store_upload",
]
