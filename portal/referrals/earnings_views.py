"""The partner's earnings: commissions, their rules in plain words, disputes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("earnings", __name__, url_prefix="/earnings")
