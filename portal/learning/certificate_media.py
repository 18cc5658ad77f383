"""What a certificate shows besides its words: the QR code of its verification link, the
shareable badge, and the links that share it (LinkedIn).

Plain functions of their inputs: the views pass the certification, its status and the brand.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import segno

from portal.content.model import Brand
from portal.learning.models import Certification
from portal.learning.renewal import VALID

# Error correction M survives a creased or smudged print; segno raises it when it fits.
QR_ERROR = "m"
QR_BORDER = 4  # the quiet zone scanners need, in modules
BADGE_TEXT_MAX = 42  # characters of a name or title on the badge before it is shortened

LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class QrDrawing:
    """A QR code as one SVG path of dark squares, drawn by the template (autoescaped)."""

    size: int  # modules across, quiet zone included: the SVG's viewBox
    path: str  # a rectangle for each horizontal run of dark modules


def verification_qr(url: str) -> QrDrawing:
    """The QR code of a verification link, ready to draw as SVG."""
    qr = segno.make(url, error=QR_ERROR)
    runs = []
    for y, row in enumerate(qr.matrix_iter(border=QR_BORDER)):
        cells = list(row)
        x = 0
        while x < len(cells):
            if not cells[x]:
                x += 1
                continue
            start = x
            while x < len(cells) and cells[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return QrDrawing(size=int(qr.symbol_size(border=QR_BORDER)[0]), path="".join(runs))


def shorten(text: str, limit: int = BADGE_TEXT_MAX) -> str:
    """`text` cut to `limit` characters with an ellipsis, for the badge's fixed width."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def badge_title_size(title: str) -> int:
    """The font size (px) that fits a certificate's name beside the logo on the badge."""
    length = len(" ".join(title.split()))
    return 28 if length <= 26 else 22 if length <= 34 else 18


@dataclass(frozen=True)
class ShareLinks:
    """Where a valid certificate can be shared from its verification page."""

    linkedin_share: str
    linkedin_add_to_profile: str


def share_links(cert: Certification, verify_url: str, issuer: str) -> ShareLinks:
    """LinkedIn's "share" and "add to profile" addresses for a certificate."""
    profile = {
        "startTask": "CERTIFICATION_NAME",
        "name": cert.certificate_name,
        "organizationName": issuer,
        "issueYear": cert.issued_at.year,
        "issueMonth": cert.issued_at.month,
        "certUrl": verify_url,
        "certId": cert.code,
    }
    if cert.expires_at is not None:
        profile.update(expirationYear=cert.expires_at.year, expirationMonth=cert.expires_at.month)
    return ShareLinks(
        linkedin_share=f"{LINKEDIN_SHARE}?{urlencode({'url': verify_url})}",
        linkedin_add_to_profile=f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(profile)}",
    )


def badge_is_valid(status: str) -> bool:
    """Only a valid certification gets the coloured, "verified" badge."""
    return status == VALID


def badge_face(cert: Certification, status: str, brand: Brand) -> dict[str, Any]:
    """What templates/learning/badge.svg draws for a certification in `status`."""
    holder = cert.user.name or "(name not given)"
    valid = badge_is_valid(status)
    return {
        "valid": valid,
        "brand": brand,
        "brand_name": shorten(brand.name.upper(), 30),
        "logo_data_uri": _data_uri(brand.logo_svg) if valid else "",
        "certificate_name": shorten(cert.certificate_name),
        "name_size": badge_title_size(cert.certificate_name),
        "holder": shorten(holder),
        "code": cert.code,
        "dates": _badge_dates(cert.issued_at, cert.expires_at),
        "status_text": f"{status.upper()}: NOT A VALID CERTIFICATE",
        "title": (
            f"{brand.name} certificate {cert.certificate_name}, held by {holder}: verified valid"
            if valid
            else f"{cert.certificate_name}, held by {holder}: {status}, not a valid certificate"
        ),
    }


def _data_uri(svg: bytes | None) -> str:
    # The logo travels inside the badge: an SVG shown as an image loads nothing from outside.
    if svg is None:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _badge_dates(issued: datetime, expires: datetime | None) -> str:
    text = f"Issued {issued.day} {issued:%b %Y}"
    return text if expires is None else f"{text} · valid until {expires.day} {expires:%b %Y}"
