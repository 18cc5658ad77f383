"""The vendor's brand from content/brand/ as an immutable value (checked by brand.py)."""

from __future__ import annotations

from dataclasses import dataclass

# The portal's own colours (portal/static/css/app.css), used when content/brand/ sets none.
DEFAULT_PRIMARY = "#0b5cad"
DEFAULT_PRIMARY_DARK = "#08467f"
DEFAULT_ON_PRIMARY = "#ffffff"


@dataclass(frozen=True)
class Brand:
    """The vendor's brand (content/brand/): its name, colours, logo and favicon.

    `logo_svg` is an SVG checked at load (no scripts, no external references); the portal
    serves it as an image, never inline. `version` changes whenever a brand file does, so
    its URLs can be cached for good.
    """

    name: str
    primary: str = DEFAULT_PRIMARY  # links, buttons, the certificate's border
    primary_dark: str = DEFAULT_PRIMARY_DARK  # hovered links and buttons
    on_primary: str = DEFAULT_ON_PRIMARY  # text on a primary (or primary_dark) background
    logo_svg: bytes | None = None
    favicon: bytes | None = None
    favicon_type: str = ""  # its media type, e.g. image/x-icon
    version: str = "default"

    @property
    def portal_name(self) -> str:
        """What the portal calls itself to its readers: "Keelstone partner portal"."""
        return f"{self.name} partner portal"
