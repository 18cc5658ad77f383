"""Partner referral pages: the form, the live conflict hint, the list and one referral."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
