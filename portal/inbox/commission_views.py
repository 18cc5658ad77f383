"""Staff commission work: approve, mark paid, answer disputes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox_commissions", __name__, url_prefix="/inbox/commissions")
