"""Kit pages: the library, one kit, a file download, a co-branded template."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kits", __name__, url_prefix="/kits")
