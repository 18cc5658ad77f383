"""The kits feature's public door: what other features may import from it."""

from __future__ import annotations

from portal.kits.presentation import KIND_LABELS
from portal.kits.service import kit_for, org_has_kit_download

__all__ = ["KIND_LABELS", "kit_for", "org_has_kit_download"]
