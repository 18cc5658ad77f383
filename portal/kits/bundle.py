"""A kit's files as one zip ("Download all"), within a bound.

Kit files are small (the demo kits' largest is 24 KB); a kit whose files add up to more than
KIT_ZIP_MAX_BYTES is not offered as one zip, and the bytes read from storage are counted against the
same bound, so a request holds at most that much (plus one file) in memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO

from portal.content.library import Kit, KitFile

__all__ = ["KIT_ZIP_MAX_BYTES", "KitTooLarge", "kit_zip", "zip_fits", "zip_name"]

KIT_ZIP_MAX_BYTES = 50 * 1024 * 1024
# Entries carry one fixed date: the same files give the same zip, byte for byte.
ENTRY_DATE = (2026, 1, 1, 0, 0, 0)


class KitTooLarge(Exception):
    """The kit's stored files are larger than the content index says, past the zip's bound."""


def zip_fits(kit: Kit) -> bool:
    """True when the kit has files and they fit in one in-memory zip."""
    return bool(kit.files) and sum(f.size for f in kit.files) <= KIT_ZIP_MAX_BYTES


def zip_name(kit: Kit) -> str:
    """The download's file name: `<kit id>.zip`."""
    return f"{kit.id}.zip"


def kit_zip(kit: Kit, read: Callable[[KitFile], bytes]) -> BytesIO:
    """Every file of the kit in a `<kit id>/` folder of a zip, as a file at its start; `read`
    fetches a file's bytes. Bytes past the kit's bound are refused (KitTooLarge):
    sizes come from the content index, the bytes from storage."""
    out = BytesIO()
    written = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in kit.files:
            data = read(file)
            written += len(data)
            if written > KIT_ZIP_MAX_BYTES:
                raise KitTooLarge(f"kit {kit.id}: files larger than {KIT_ZIP_MAX_BYTES} bytes")
            entry = zipfile.ZipInfo(f"{kit.id}/{file.name}", date_time=ENTRY_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    out.seek(0)
    return out
