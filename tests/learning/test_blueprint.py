"""Learning's routes come from one explicit table (portal/learning/blueprint.py)."""

from __future__ import annotations

import pytest
from flask import Blueprint

from portal.learning import blueprint, certificate_views, views

EXPECTED_ROUTES = {
    ("learning.paths", "/learn", "GET"),
    ("learning.history", "/quiz-history", "GET"),
    ("learning.org_attempts", "/staff/orgs/<id:org_id>/quiz-attempts", "GET"),
    ("learning.path", "/learn/<path_id>", "GET"),
    ("learning.module", "/learn/<path_id>/<module_id>", "GET"),
    ("learning.start_attempt", "/learn/<path_id>/<module_id>/attempts", "POST"),
    ("learning.submit_attempt", "/learn/<path_id>/<module_id>/attempts/<id:attempt_id>", "POST"),
    ("learning.complete_module", "/learn/<path_id>/<module_id>/complete", "POST"),
    ("learning.certificates", "/certificates", "GET"),
    ("learning.certificate", "/certificates/<id:cert_id>", "GET"),
    ("learning.claim_certificate", "/learn/<path_id>/certificate", "POST"),
    ("learning.verify", "/verify/<code>", "GET"),
    ("learning.badge", "/verify/<code>/badge.svg", "GET"),
    ("learning.revoke", "/staff/certifications/<id:cert_id>/revoke", "POST"),
}


def test_the_url_map_holds_exactly_the_learning_routes(app):
    found = {
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("learning.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert found == EXPECTED_ROUTES


def test_every_learning_view_is_the_one_in_the_table(app):
    for route in blueprint.ROUTES:
        assert app.view_functions[f"learning.{route.endpoint}"] is route.view


@pytest.mark.parametrize("module", [views, certificate_views])
def test_view_modules_register_nothing_themselves(module):
    assert not any(isinstance(value, Blueprint) for value in vars(module).values())


def test_the_certification_status_filter_is_registered(app):
    assert (
        app.jinja_env.filters["certification_status"]
        is certificate_views.certification_status_filter
    )
