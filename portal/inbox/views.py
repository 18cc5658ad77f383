"""The staff inbox: the list, one referral, row actions, the CSV export."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
