"""The `inbox` blueprint and its URL table: each of its routes is registered here, and only here.

The views are plain functions in views.py (the list, one referral, the export) and
action_views.py (one POST per staff action); importing them registers nothing. The commission
and customer pages are blueprints of their own (commission_views.py, customer_views.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from portal.inbox import action_views, views

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

# (rule, endpoint, view, method)
ROUTES: tuple[tuple[str, str, Callable[..., Any], str], ...] = (
    ("/", "index", views.index, "GET"),
    ("/export.csv", "export", views.export, "GET"),
    ("/<ref>/actions", "row_actions", views.row_actions, "GET"),
    ("/<ref>", "referral", views.referral, "GET"),
    ("/<ref>/assign", "assign", action_views.assign, "POST"),
    ("/<ref>/accept", "accept", action_views.accept, "POST"),
    ("/<ref>/reject", "reject", action_views.reject, "POST"),
    ("/<ref>/advance", "advance", action_views.advance, "POST"),
    ("/<ref>/update", "update", action_views.update, "POST"),
    ("/<ref>/note", "note", action_views.note, "POST"),
    ("/<ref>/value", "value", action_views.value, "POST"),
    ("/<ref>/won", "won", action_views.won, "POST"),
    ("/<ref>/lost", "lost", action_views.lost, "POST"),
)

for rule, endpoint, view, method in ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=[method])
