"""Home pages: the partner's next action and progress; the staff overview."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import OrgStatus
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import ModuleCompletion
from portal.onboarding.models import ChecklistProgress
from tests.conftest import sign_in


def test_partner_home_points_to_the_next_onboarding_step(client, partner_user) -> None:
    sign_in(client, partner_user)
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Pat" in page
    assert "What to do next" in page
    assert "Accept the partner agreement" in page
    assert "Acme Referrals" in page
    # Progress of onboarding and of each path for the partner's type (not reseller-only paths).
    assert "Basics" in page
    assert "Advanced reselling" not in page


def test_partner_home_moves_on_to_learning_once_onboarding_is_done(
    client, partner_user, partner_org, make_certification
) -> None:
    for step_id in ("accept-agreement", "kickoff-call"):
        db.session.add(ChecklistProgress(organization_id=partner_org.id, step_id=step_id))
    # The certificate step is done by a colleague's certificate; this user has not started.
    make_certification(partner_user, age=timedelta(days=400))
    db.session.add(ModuleCompletion(user_id=partner_user.id, path_id="basics", module_id="welcome"))
    db.session.commit()
    sign_in(client, partner_user)
    page = client.get("/").get_data(as_text=True)
    # The expired certificate does not count: the checklist still asks for it.
    assert "Earn the Basics certificate" in page


def test_partner_home_lists_certificates(client, partner_user, make_certification) -> None:
    make_certification(partner_user)
    sign_in(client, partner_user)
    page = client.get("/").get_data(as_text=True)
    assert "Certified Basics Partner" in page


def test_partner_home_statement_count_is_small(app, client, partner_user, count_queries) -> None:
    sign_in(client, partner_user)
    client.get("/")
    with count_queries() as counter:
        response = client.get("/")
    assert response.status_code == 200
    # Ten for the next action and progress; the figures above it add at most four (open
    # referrals, their latest news, this year's earnings, answered disputes: one each) and the
    # tier card at most six (one per kind of fact the tiers ask for, and the grace period).
    assert counter.count <= 20, counter.statements


def test_staff_home_shows_organisations_by_status(client, staff_user, make_org) -> None:
    make_org(name="Active Co", status=OrgStatus.ACTIVE, activated_at=utcnow())
    make_org(name="Waiting Co", status=OrgStatus.INVITED)
    sign_in(client, staff_user)
    page = client.get("/").get_data(as_text=True)
    assert "Active Co" in page  # recently activated
    assert "Invited" in page and "Active" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistProgress)) == 0


def test_anonymous_home_goes_to_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/login?next=%2F" in response.headers["Location"]


def test_partner_home_offers_a_certificate_ready_to_claim(
    client, partner_user, partner_org
) -> None:
    for step_id in ("accept-agreement", "kickoff-call"):
        db.session.add(ChecklistProgress(organization_id=partner_org.id, step_id=step_id))
    for module_id in ("welcome", "qualifying", "handover"):
        db.session.add(
            ModuleCompletion(user_id=partner_user.id, path_id="basics", module_id=module_id)
        )
    db.session.commit()
    sign_in(client, partner_user)
    page = client.get("/").get_data(as_text=True)
    assert "Get your certificate" in page
    assert "You passed every module of Basics" in page
