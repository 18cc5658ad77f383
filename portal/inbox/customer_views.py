"""The customer list staff keep: upload as CSV, add, remove."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/inbox/customers")
