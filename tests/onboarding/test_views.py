"""Onboarding pages: the partner checklist, ticking steps (plain and htmx), staff marking."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgStatus
from portal.extensions import db
from portal.onboarding.models import ChecklistProgress

HTMX = {"HX-Request": "true"}


def progress_rows(org=None) -> list[tuple[int, str]]:
    stmt = sa.select(ChecklistProgress.organization_id, ChecklistProgress.step_id)
    if org is not None:
        stmt = stmt.where(ChecklistProgress.organization_id == org.id)
    return [(org_id, step_id) for org_id, step_id in db.session.execute(stmt)]


@pytest.fixture
def partner_client(client, login, partner_user):
    login(partner_user)
    return client


@pytest.fixture
def staff_client(client, login, staff_user):
    login(staff_user)
    return client


def test_checklist_shows_every_step_for_the_partner_type(partner_client, content):
    response = partner_client.get("/onboarding")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    checklist = content.checklists["referral"]
    assert checklist.title in html
    for step in checklist.steps:
        assert f'id="step-{step.id}"' in html
        assert step.title in html
    assert "<progress" in html
    assert "0 of 3 required steps" in html
    assert html.count("Mark as done") == 1
    assert 'hx-post="/onboarding/steps/accept-agreement"' in html
    assert 'hx-target="#step-accept-agreement"' in html
    assert 'hx-swap="outerHTML"' in html
    # Content HTML is rendered, not escaped; the step link is offered.
    assert '<a href="/program/rules">rules</a>' in html
    assert "Completes when someone in your team earns the certificate" in html
    assert 'href="/learn/basics"' in html
    assert "Your partner manager will mark this" in html
    assert "You're active" not in html


def test_checklist_follows_the_organisations_partner_type(client, login, other_partner):
    login(other_partner)
    html = client.get("/onboarding").get_data(as_text=True)
    assert "Onboarding for reseller partners" in html


def test_anonymous_is_sent_to_login_and_staff_are_refused(client, login, staff_user):
    response = client.get("/onboarding")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    login(staff_user)
    assert client.get("/onboarding").status_code == 403
    assert client.post("/onboarding/steps/accept-agreement").status_code == 403


def test_tick_by_plain_post_redirects_with_a_message(partner_client, partner_org, other_org):
    response = partner_client.post("/onboarding/steps/accept-agreement")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/onboarding")
    assert progress_rows() == [(partner_org.id, "accept-agreement")]
    html = partner_client.get("/onboarding").get_data(as_text=True)
    assert "is done" in html  # the flash
    assert "1 of 3 required steps" in html
    assert "Done by Pat Lee" in html
    assert "Mark as done" not in html


def test_tick_by_htmx_returns_the_step_and_the_progress(partner_client, partner_org):
    response = partner_client.post("/onboarding/steps/accept-agreement", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<li id="step-accept-agreement" class="step step-done"')
    assert "Done by Pat Lee" in html
    assert "Mark as done" not in html
    assert 'id="onboarding-progress"' in html and 'hx-swap-oob="true"' in html
    assert "1 of 3 required steps" in html
    assert progress_rows(partner_org) == [(partner_org.id, "accept-agreement")]


def test_tick_twice_changes_nothing_more(partner_client, partner_org):
    partner_client.post("/onboarding/steps/accept-agreement")
    response = partner_client.post("/onboarding/steps/accept-agreement", headers=HTMX)
    assert response.status_code == 200
    assert progress_rows() == [(partner_org.id, "accept-agreement")]


@pytest.mark.parametrize(
    ("step_id", "status"),
    [("get-certified", 400), ("kickoff-call", 400), ("first-referral", 400), ("nope", 404)],
)
def test_tick_of_a_non_acknowledge_or_unknown_step_is_refused(partner_client, step_id, status):
    for headers in ({}, HTMX):
        response = partner_client.post(f"/onboarding/steps/{step_id}", headers=headers)
        assert response.status_code == status
        if status == 400:
            assert "cannot be changed this way" in response.get_data(as_text=True)
    assert progress_rows() == []


def test_ticking_does_not_touch_another_organisation(
    partner_client, client, login, partner_org, other_partner
):
    partner_client.post("/onboarding/steps/accept-agreement")
    login(other_partner)
    html = client.get("/onboarding").get_data(as_text=True)
    assert "0 of 3 required steps" in html
    assert html.count("Mark as done") == 1
    assert progress_rows() == [(partner_org.id, "accept-agreement")]


def test_active_banner_once_every_required_step_is_done(
    partner_client, partner_org, partner_user, staff_user, make_certification, content
):
    from portal.onboarding.service import mark_staff_step

    make_certification(partner_user)
    mark_staff_step(partner_org, "kickoff-call", staff_user, content)
    db.session.commit()
    response = partner_client.post("/onboarding/steps/accept-agreement", headers=HTMX)
    html = response.get_data(as_text=True)
    assert "You're active" in html
    assert "3 of 3 required steps" in html
    db.session.expire_all()
    assert partner_org.status == OrgStatus.ACTIVE
    page = partner_client.get("/onboarding").get_data(as_text=True)
    assert "You're active" in page
    assert "Someone in your team holds a valid certificate" in page
    assert "Marked done by your partner manager" in page


def test_staff_mark_by_plain_post_redirects_to_the_org_page(staff_client, partner_org):
    url = f"/staff/orgs/{partner_org.id}/steps/kickoff-call"
    response = staff_client.post(url, data={"done": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/orgs/{partner_org.id}")
    assert progress_rows() == [(partner_org.id, "kickoff-call")]
    staff_client.post(url, data={"done": "0"})
    assert progress_rows() == []


def test_staff_mark_by_htmx_returns_the_partial(staff_client, partner_org):
    url = f"/staff/orgs/{partner_org.id}/steps/kickoff-call"
    response = staff_client.post(url, data={"done": "1"}, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="staff-steps"' in html
    assert "Mark as not done" in html
    assert "by Sam Staff" in html
    assert "1 of 3 required steps done" in html


@pytest.mark.parametrize(
    ("org_id", "step_id", "data", "status"),
    [
        (None, "accept-agreement", {"done": "1"}, 400),
        (None, "get-certified", {"done": "1"}, 400),
        (None, "nope", {"done": "1"}, 404),
        (999999, "kickoff-call", {"done": "1"}, 404),
        (None, "kickoff-call", {"done": "maybe"}, 400),
        (None, "kickoff-call", {}, 400),
    ],
)
def test_staff_mark_refuses_bad_requests(staff_client, partner_org, org_id, step_id, data, status):
    url = f"/staff/orgs/{org_id or partner_org.id}/steps/{step_id}"
    assert staff_client.post(url, data=data).status_code == status
    assert progress_rows() == []


def test_partners_cannot_mark_staff_steps(partner_client, partner_org):
    url = f"/staff/orgs/{partner_org.id}/steps/kickoff-call"
    assert partner_client.post(url, data={"done": "1"}).status_code == 403
    assert progress_rows() == []


def test_staff_partial_lists_every_step(app, partner_org, content):
    from flask import render_template

    from portal.onboarding.service import checklist_for

    with app.test_request_context():
        html = render_template(
            "onboarding/_staff_steps.html",
            org=partner_org,
            checklist=checklist_for(partner_org, content),
        )
    for step in content.checklists["referral"].steps:
        assert step.title in html
    assert html.count("<form") == 1  # only the staff step has a form
    assert 'name="csrf_token"' in html
    assert f'action="/staff/orgs/{partner_org.id}/steps/kickoff-call"' in html
