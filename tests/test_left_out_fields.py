"""A form field left out of a post altogether: a message or the field's empty value, never a 5xx.

WTForms keeps None, not "", in a text field the request did not send. mypy (in CI) makes every
view say what it does with that None (portal/form_fields.py). Here every form of the app is
posted, as a role the route lets in, with each of its fields left out in turn; a new form is
covered the day its route enters tests/test_access.py.
"""

from __future__ import annotations

import pytest
from flask import Flask

from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals import api as referrals
from portal.referrals.models import Referral
from tests import test_access
from tests.access_helpers import ROLES
from tests.conftest import sign_in
from tests.test_access import ACCESS, World
from tests.test_hostile_sweep import VALID_BODIES

world = test_access.world  # the access test's fixture: organisations, users, referrals, ids

PASSWORD = "long enough passphrase"
# Forms with fields that neither the sweep nor the access test fills in.
MORE_BODIES: dict[str, dict[str, str]] = {
    "accounts.invite": {"name": "Nia New", "job_title": "Sales", "password": PASSWORD},
    "accounts.reset": {"password": PASSWORD, "confirm": PASSWORD},
    "staff.change_tier": {"tier": "silver"},
}
# The sweep's valid bodies (some for routes whose example in ACCESS is the GET), else the
# sample data the access test posts.
FORMS = {
    endpoint: body
    for endpoint, route in sorted(ACCESS.items())
    if (
        body := MORE_BODIES.get(endpoint)
        or VALID_BODIES.get(endpoint)
        or (route.data if route.method == "POST" else None)
    )
}


def _let_in(endpoint: str) -> str:
    """The first role the route serves (not the login page, 403 or 404)."""
    expected = ACCESS[endpoint].expected
    return next(role for role in ROLES if expected[role] == "ok" or expected[role] in (200, 302))


def test_there_are_forms_to_leave_fields_out_of() -> None:
    assert {"referrals.new", "accounts.login", "accounts.reset", "inbox.won"} <= FORMS.keys()


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_each_field_left_out_is_answered_calmly(app: Flask, world: World, endpoint: str) -> None:
    route, body = ACCESS[endpoint], FORMS[endpoint]
    role = _let_in(endpoint)
    url = route.url.format(**vars(world))
    for left_out in body:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, world.users[role])
        response = client.post(url, data={n: v for n, v in body.items() if n != left_out})
        response.close()
        assert response.status_code < 500, (
            f"{endpoint} POST {url} as {role} without {left_out!r}: {response.status_code}"
        )


# --- what a person sees ---------------------------------------------------------------------


def test_won_without_the_optional_note_closes_the_referral_with_no_note(
    app, login, staff_user, partner_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    referrals.accept(referral, staff_user, current_content().program)
    db.session.commit()
    client = login(staff_user)
    response = client.post(f"/inbox/{referral.reference}/won", data={"amount": "1000"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "marked won" in page
    won = db.session.get(Referral, referral.id)
    assert (won.status, won.close_reason) == ("won", "")


def test_a_referral_without_the_optional_fields_is_submitted(app, login, partner_user) -> None:
    body = dict(VALID_BODIES["referrals.new"])
    del body["company_website"], body["contact_phone"]
    response = login(partner_user).post("/referrals/new", data=body)
    assert response.status_code == 302
    stored = db.session.query(Referral).one()
    assert (stored.company_website, stored.contact_phone) == ("", "")


def test_a_login_without_the_password_field_asks_for_it(app, client) -> None:
    response = client.post("/login", data={"email": "pat@acme.example"})
    assert response.status_code == 422
    assert "password" in response.get_data(as_text=True).lower()
