"""Search across pages, modules, kits and playbooks the user may see."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)
