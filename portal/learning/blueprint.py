"""The learning blueprint and its URL table: every learning route is listed here, once.

A route exists because it is in ROUTES, never because a module happened to be imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Blueprint

from portal.learning import certificate_views, history_views, views


class LearningRoute(NamedTuple):
    rule: str
    endpoint: str
    view: Callable[..., Any]
    method: str


ROUTES = (
    # Paths, modules and quizzes (views.py).
    LearningRoute("/learn", "paths", views.paths, "GET"),
    LearningRoute("/learn/<path_id>", "path", views.path, "GET"),
    LearningRoute("/learn/<path_id>/<module_id>", "module", views.module, "GET"),
    LearningRoute(
        "/learn/<path_id>/<module_id>/attempts", "start_attempt", views.start_attempt_view, "POST"
    ),
    LearningRoute(
        "/learn/<path_id>/<module_id>/attempts/<id:attempt_id>",
        "submit_attempt",
        views.submit_attempt_view,
        "POST",
    ),
    LearningRoute(
        "/learn/<path_id>/<module_id>/complete",
        "complete_module",
        views.complete_module_view,
        "POST",
    ),
    # Past attempts as they were taken (history_views.py).
    LearningRoute("/quiz-history", "history", history_views.history, "GET"),
    LearningRoute(
        "/staff/orgs/<id:org_id>/quiz-attempts", "org_attempts", history_views.org_attempts, "GET"
    ),
    # Certificates (certificate_views.py).
    LearningRoute("/certificates", "certificates", certificate_views.certificates_index, "GET"),
    LearningRoute(
        "/certificates/<id:cert_id>", "certificate", certificate_views.certificate, "GET"
    ),
    LearningRoute(
        "/learn/<path_id>/certificate",
        "claim_certificate",
        certificate_views.claim_certificate,
        "POST",
    ),
    LearningRoute("/verify/<code>", "verify", certificate_views.verify, "GET"),
    LearningRoute("/verify/<code>/badge.svg", "badge", certificate_views.badge, "GET"),
    LearningRoute(
        "/staff/certifications/<id:cert_id>/revoke", "revoke", certificate_views.revoke, "POST"
    ),
)

bp = Blueprint("learning", __name__)
for route in ROUTES:
    bp.add_url_rule(route.rule, route.endpoint, route.view, methods=[route.method])
bp.add_app_template_filter(certificate_views.certification_status_filter, "certification_status")
