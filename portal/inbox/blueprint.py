"""The `inbox` blueprint and its URL table: each of its routes is registered here, and only here.

The views are plain functions in views.py (the list, one referral, the export) and
action_views.py (one POST per staff action); importing them registers nothing. The commission
and customer pages are blueprints of their own (commission_views.py, customer_views.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Blueprint

from portal.inbox import action_views, views


class InboxRoute(NamedTuple):
    rule: str
    endpoint: str
    view: Callable[..., Any]
    method: str


ROUTES = (
    InboxRoute("/", "index", views.index, "GET"),
    InboxRoute("/export.csv", "export", views.export, "GET"),
    InboxRoute("/<ref>/actions", "row_actions", views.row_actions, "GET"),
    InboxRoute("/<ref>", "referral", views.referral, "GET"),
    InboxRoute("/<ref>/assign", "assign", action_views.assign, "POST"),
    InboxRoute("/<ref>/accept", "accept", action_views.accept, "POST"),
    InboxRoute("/<ref>/reject", "reject", action_views.reject, "POST"),
    InboxRoute("/<ref>/advance", "advance", action_views.advance, "POST"),
    InboxRoute("/<ref>/update", "update", action_views.update, "POST"),
    InboxRoute("/<ref>/note", "note", action_views.note, "POST"),
    InboxRoute("/<ref>/value", "value", action_views.value, "POST"),
    InboxRoute("/<ref>/won", "won", action_views.won, "POST"),
    InboxRoute("/<ref>/lost", "lost", action_views.lost, "POST"),
)

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
for route in ROUTES:
    bp.add_url_rule(route.rule, route.endpoint, route.view, methods=[route.method])
