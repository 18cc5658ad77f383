"""With CSRF on: the checklist's forms carry a token, and htmx sends it as a header."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.onboarding.models import ChecklistProgress


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def progress_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistProgress))


def token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def test_tick_needs_the_token_as_field_or_htmx_header(client, login, partner_user):
    login(partner_user)
    token = token_from(client.get("/onboarding").get_data(as_text=True))
    assert client.post("/onboarding/steps/accept-agreement").status_code == 400
    assert progress_count() == 0

    response = client.post(
        "/onboarding/steps/accept-agreement",
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert progress_count() == 1


def test_staff_mark_with_the_form_token(client, login, staff_user, partner_org):
    login(staff_user)
    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert 'id="staff-steps"' in html
    token = token_from(html[html.index('id="staff-steps"') :])
    url = f"/staff/orgs/{partner_org.id}/steps/kickoff-call"
    assert client.post(url, data={"done": "1"}).status_code == 400
    response = client.post(url, data={"done": "1", "csrf_token": token})
    assert response.status_code == 302
    assert progress_count() == 1
