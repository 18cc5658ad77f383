"""Every route, every role: who may use what.

The test walks `app.url_map`; a route without an entry in ACCESS fails, so a route added later
must declare its access here. Roles: anonymous, a partner user and a partner admin of one
organisation, a partner (admin) of another organisation, staff, admin.

Expected outcomes:
- an int: that status code;
- "login": a redirect to the login page;
- "ok": the request was let through (for POSTs with empty or sample data that may be a redirect
  after the action or a form re-rendered with a message, but never login, 403, 404 or a 5xx).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.api import create_invite
from portal.accounts.models import Role, User
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import registration
from portal.referrals.commission_lifecycle import open_dispute
from portal.referrals.models import Customer
from tests.access_api import ROUTES as API_ROUTES
from tests.access_comarketing import ROUTES as COMARKETING_ROUTES
from tests.access_compliance import ROUTES as COMPLIANCE_ROUTES
from tests.access_compliance import build_compliance_document
from tests.access_customers import ROUTES as CUSTOMER_ROUTES
from tests.access_directory import ROUTES as DIRECTORY_ROUTES
from tests.access_directory import build_directory_world
from tests.access_earnings import ROUTES as EARNINGS_ROUTES
from tests.access_handbook import ROUTES as HANDBOOK_ROUTES
from tests.access_helpers import (
    ROLES,
    Route,
    admins,
    everyone,
    partner_admins,
    partners,
    signed_in,
    staff,
)
from tests.access_inbox import ROUTES as INBOX_ROUTES
from tests.access_insights import ROUTES as INSIGHTS_ROUTES
from tests.access_kits import ROUTES as KIT_ROUTES
from tests.access_leads import ROUTES as LEAD_ROUTES
from tests.access_main import ROUTES as MAIN_ROUTES
from tests.access_mdf import ROUTES as MDF_ROUTES
from tests.access_mdf import build_mdf
from tests.access_playbooks import ROUTES as PLAYBOOK_ROUTES
from tests.access_questions import ROUTES as QUESTION_ROUTES
from tests.access_referrals import ROUTES as REFERRAL_ROUTES
from tests.access_scorecard import ROUTES as SCORECARD_ROUTES
from tests.access_search import ROUTES as SEARCH_ROUTES
from tests.access_sso import ROUTES as SSO_ROUTES
from tests.access_tiers import ROUTES as STANDING_ROUTES
from tests.access_tiers import open_review
from tests.access_webhooks import ROUTES as WEBHOOK_ROUTES
from tests.access_webhooks import build_webhooks
from tests.comarketing.factories import new_piece_ids
from tests.conftest import (
    new_certification,
    new_org,
    new_referral,
    new_user,
    new_won_referral,
    sign_in,
)
from tests.leads.factories import new_lead

# endpoint -> how to call it and what each role gets
ACCESS: dict[str, Route] = {
    "static": Route("/static/css/app.css", everyone(200)),
    "main.healthz": Route("/healthz", everyone(200)),
    # The vendor's brand (content/brand/): public by design, the same for everyone, and
    # needed before sign-in (the login page shows the logo and colours).
    "brand.stylesheet": Route("/brand.css", everyone(200)),
    "brand.logo": Route("/brand/logo.svg", everyone(200)),
    "brand.favicon": Route("/favicon.ico", everyone(200)),
    "content_images.image": Route("/content-images/images/flow.png", signed_in(200)),
    "main.home": Route("/", signed_in(200)),
    "main.program_index": Route("/program", partners()),
    "main.program_page": Route("/program/rules", partners()),
    # Signed-in users are sent home from the login page.
    "accounts.login": Route("/login", {**everyone(302), "anonymous": 200}),
    "accounts.logout": Route("/logout", everyone(302), "POST"),
    "accounts.invite": Route("/invite/{invite_token}", everyone(200)),
    "accounts.reset_request": Route("/reset", everyone(200)),
    "accounts.reset": Route("/reset/{reset_token}", everyone(200)),
    "accounts.team": Route("/team", partner_admins()),
    "accounts.team_invite": Route("/team/invite", partner_admins("ok"), "POST"),
    "onboarding.checklist": Route("/onboarding", partners()),
    "onboarding.acknowledge": Route("/onboarding/steps/accept-agreement", partners("ok"), "POST"),
    "onboarding.mark_staff_step": Route(
        "/staff/orgs/{org_id}/steps/kickoff-call", staff("ok"), "POST", {"done": "1"}
    ),
    "learning.paths": Route("/learn", partners()),
    "learning.path": Route("/learn/basics", partners()),
    "learning.module": Route("/learn/basics/welcome", partners()),
    "learning.complete_module": Route("/learn/basics/welcome/complete", partners("ok"), "POST"),
    "learning.start_attempt": Route("/learn/basics/qualifying/attempts", partners("ok"), "POST"),
    # The attempt belongs to partner_user: anyone else's id is "not found".
    "learning.submit_attempt": Route(
        "/learn/basics/qualifying/attempts/{attempt_id}",
        {**partners(404), "partner_user": "ok"},
        "POST",
    ),
    "learning.certificates": Route("/certificates", partners()),
    "learning.history": Route("/quiz-history", partners()),
    "learning.org_attempts": Route("/staff/orgs/{org_id}/quiz-attempts", staff()),
    "learning.claim_certificate": Route("/learn/basics/certificate", partners("ok"), "POST"),
    # The holder and staff may open a certificate; other partners get 404.
    "learning.certificate": Route(
        "/certificates/{cert_id}",
        {**partners(404), "partner_user": 200, "staff": 200, "admin": 200},
    ),
    # Public by design: anyone the holder shows a certificate to can check it, and its badge.
    "learning.verify": Route("/verify/{cert_code}", everyone(200)),
    "learning.badge": Route("/verify/{cert_code}/badge.svg", everyone(200)),
    "learning.revoke": Route(
        "/staff/certifications/{cert_id}/revoke", staff("ok"), "POST", {"reason": "Test"}
    ),
    "staff.orgs": Route("/staff/orgs", staff()),
    "staff.org_new": Route("/staff/orgs/new", staff()),
    "staff.org": Route("/staff/orgs/{org_id}", staff()),
    "staff.invite": Route("/staff/orgs/{org_id}/invites", staff("ok"), "POST"),
    "staff.change_tier": Route("/staff/orgs/{org_id}/tier", staff("ok"), "POST"),
    "staff.change_region": Route(
        "/staff/orgs/{org_id}/region", staff("ok"), "POST", {"region": "Europe"}
    ),
    "staff.log_meeting_view": Route(
        "/staff/orgs/{org_id}/meetings",
        staff("ok"),
        "POST",
        {"held_on": "2020-01-01", "kind": "call"},
    ),
    "admin.audit": Route("/admin/audit", admins(200)),
    "admin.audit_export": Route("/admin/audit/export.csv", admins(200)),
    "admin.users": Route("/admin/users", admins(200)),
    "admin.deactivate_user": Route("/admin/users/{bystander_id}/deactivate", admins(), "POST"),
    "admin.reactivate_user": Route("/admin/users/{bystander_id}/reactivate", admins(), "POST"),
    "admin.suspend_org": Route("/admin/orgs/{third_org_id}/suspend", admins(), "POST"),
    "admin.reinstate_org": Route("/admin/orgs/{third_org_id}/reinstate", admins(), "POST"),
    **REFERRAL_ROUTES,
    **EARNINGS_ROUTES,
    **INBOX_ROUTES,
    **CUSTOMER_ROUTES,
    **KIT_ROUTES,
    **PLAYBOOK_ROUTES,
    **HANDBOOK_ROUTES,
    **COMPLIANCE_ROUTES,
    **SEARCH_ROUTES,
    **SCORECARD_ROUTES,
    **STANDING_ROUTES,
    **INSIGHTS_ROUTES,
    **MAIN_ROUTES,
    **QUESTION_ROUTES,
    **COMARKETING_ROUTES,
    **MDF_ROUTES,
    **LEAD_ROUTES,
    **DIRECTORY_ROUTES,
    **API_ROUTES,
    **WEBHOOK_ROUTES,
    **SSO_ROUTES,
}


@dataclass
class World:
    users: dict[str, Any]
    org_id: int
    third_org_id: int
    bystander_id: int
    cert_id: int
    cert_code: str
    attempt_id: int
    invite_token: str
    reset_token: str
    # partner_org's open referral (submitted by partner_user), and its won one with a commission
    referral_ref: str
    won_ref: str
    commission_id: int
    customer_id: int
    dispute_id: int  # an open dispute on the won referral's commission
    review_id: int  # an open tier review of the third organisation
    question_id: int  # partner_user's question, answered once by staff
    answer_id: int  # that answer (a question message)
    piece_id: int  # partner_org's co-marketing piece awaiting review, with a PDF version
    piece_version_id: int
    mdf_request_id: int  # partner_org's approved MDF request
    mdf_proof_id: int  # a proof file on its (rejected) claim
    lead_id: int  # a lead offered to partner_org
    directory_slug: str  # a listed partner in the public directory
    contact_id: int  # a directory message to partner_org
    change_id: int  # partner_org's directory profile change waiting for staff
    webhook_endpoint_id: int  # an endpoint with one waiting delivery
    webhook_delivery_id: int
    compliance_document_id: int  # partner_org's tax form, waiting for review


def _build_world() -> World:
    """Every role, and something of each kind to reach: built once per module and database."""
    from portal.accounts.credentials import new_token
    from portal.accounts.models import PasswordReset
    from portal.learning.models import QuizAttempt

    partner_org = new_org(name="Acme Referrals", partner_type="referral")
    partner_user = new_user(
        Role.PARTNER_USER, partner_org, email="pat@acme.example", name="Pat Lee"
    )
    partner_admin = new_user(
        Role.PARTNER_ADMIN, partner_org, email="alex@acme.example", name="Alex Kim"
    )
    other_org = new_org(name="Globex Resellers", partner_type="reseller")
    other_partner = new_user(
        Role.PARTNER_ADMIN, other_org, email="olga@globex.example", name="Olga Ruiz"
    )
    staff_user = new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")
    admin_user = new_user(Role.ADMIN, None, email="ada@vendor.example", name="Ada Admin")
    third_org = new_org(name="Initech", partner_type="alliance")
    bystander = new_user(Role.PARTNER_USER, third_org, email="by@initech.example")
    cert = new_certification(partner_user)
    attempt = QuizAttempt(
        user_id=partner_user.id,
        organization_id=partner_org.id,
        path_id="basics",
        module_id="qualifying",
        content_version="v",
        quiz_version="v",
        questions=[],
    )
    _invite, invite_token = create_invite("new@acme.example", Role.PARTNER_USER, partner_org, None)
    reset_token, reset_hash = new_token()
    db.session.add_all(
        [
            attempt,
            PasswordReset(
                user_id=bystander.id,
                token_hash=reset_hash,
                expires_at=utcnow() + timedelta(hours=1),
            ),
        ]
    )
    db.session.commit()
    referral = new_referral(partner_user)
    won, commission = new_won_referral(partner_user, staff_user)
    dispute = open_dispute(commission, partner_user, "The deal value was higher than recorded.")
    db.session.commit()
    registration.add_customer_domain("umbrella.example.com", "Umbrella", staff_user.id)
    db.session.commit()
    customer_id = db.session.scalar(sa.select(Customer.id))
    question_id, answer_id = _answered_question(partner_user, staff_user)
    lead = new_lead(partner_org.id)
    directory = build_directory_world(partner_org.id, partner_admin.id, staff_user.id)
    return World(
        users={
            "partner_user": partner_user.id,
            "partner_admin": partner_admin.id,
            "other_partner": other_partner.id,
            "staff": staff_user.id,
            "admin": admin_user.id,
        },
        org_id=partner_org.id,
        third_org_id=third_org.id,
        bystander_id=bystander.id,
        cert_id=cert.id,
        cert_code=cert.code,
        attempt_id=attempt.id,
        invite_token=invite_token,
        reset_token=reset_token,
        referral_ref=referral.reference,
        won_ref=won.reference,
        commission_id=commission.id,
        customer_id=customer_id,
        dispute_id=dispute.id,
        review_id=open_review(third_org.id),
        question_id=question_id,
        answer_id=answer_id,
        **new_piece_ids(partner_user),
        **build_mdf(partner_org, partner_admin),
        lead_id=lead.id,
        directory_slug=directory.slug,
        contact_id=directory.contact_id,
        change_id=directory.change_id,
        **build_webhooks(admin_user),
        **build_compliance_document(partner_org, partner_admin),
    )


def _answered_question(partner: User, staff_member: User) -> tuple[int, int]:
    from portal.content_runtime import current_content
    from portal.questions.api import ask, respond

    question = ask(partner, "commissions", "Payout date", "When?", None, current_content().program)
    answer = respond(staff_member, question, "On the 15th.", "answered")
    db.session.commit()
    return question.id, answer.id


@pytest.fixture
def world(module_world) -> World:
    """The module's world, its users loaded in this test's session."""
    built: World = module_world("access_world", _build_world)
    users = {role: db.session.get(User, user_id) for role, user_id in built.users.items()}
    return dataclasses.replace(built, users=users)


def test_every_route_has_an_access_entry(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, f"routes without an entry in tests/test_access.py ACCESS: {missing}"
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"ACCESS entries for routes that no longer exist: {stale}"


def test_every_view_declares_its_access(app: Flask) -> None:
    """Each view carries one of the access decorators from portal.accounts.access."""
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    ]
    assert not undeclared, f"views without an access decorator: {undeclared}"


def _outcome_matches(expected: Any, response) -> bool:
    location = response.headers.get("Location", "")
    to_login = response.status_code == 302 and "/login" in location
    if expected == "login":
        return to_login
    if expected == "ok":
        return (
            response.status_code < 500 and response.status_code not in (403, 404) and not to_login
        )
    return response.status_code == expected


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access_by_role(app: Flask, world: World, endpoint: str) -> None:
    route = ACCESS[endpoint]
    url = route.url.format(**vars(world))
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, world.users[role])
        if route.method == "GET":
            response = client.get(url)
        else:  # POST, and PUT on /api/v1
            response = client.open(url, method=route.method, data=route.data or {})
        response.close()
        expected = route.expected[role]
        assert _outcome_matches(expected, response), (
            f"{endpoint} {route.method} {url} as {role}: expected {expected}, "
            f"got {response.status_code} {response.headers.get('Location', '')}"
        )
