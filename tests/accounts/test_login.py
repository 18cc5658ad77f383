"""Signing in and out: messages, remember-me, session renewal, redirects, who may sign in."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgStatus
from portal.audit.models import ActivityEvent
from portal.extensions import db
from tests.accounts.helpers import signed_in_as, without_csrf
from tests.conftest import PASSWORD

FAILED = "E-mail or password is incorrect."


def _location_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def test_login_page_renders_labelled_form(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for control in ("email", "password", "remember"):
        assert f'id="{control}"' in html
    assert '<label for="email">' in html
    assert '<label for="password">' in html
    assert "Remember me" in html
    assert "Stay signed in on this device for up to 14 days" in html
    assert 'href="/reset"' in html


def test_login_success_redirects_home_and_records_login(client, auth, partner_user):
    response = auth.login(partner_user)
    assert response.status_code == 302
    assert _location_path(response) == "/"
    assert signed_in_as(client) == partner_user.session_token
    db.session.refresh(partner_user)
    assert partner_user.last_login_at is not None
    events = db.session.scalars(
        sa.select(ActivityEvent).where(ActivityEvent.user_id == partner_user.id)
    ).all()
    assert [e.kind for e in events] == ["login"]


def test_login_email_is_case_and_space_insensitive(client, auth, partner_user):
    response = auth.login("  PAT@Acme.Example ")
    assert response.status_code == 302
    assert signed_in_as(client) == partner_user.session_token


def test_wrong_password_and_unknown_email_answer_the_same(client, auth, partner_user):
    wrong = auth.login(partner_user, password="not the password at all")
    unknown = auth.login("nobody@acme.example", password="not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    wrong_html = without_csrf(wrong.get_data(as_text=True))
    unknown_html = without_csrf(unknown.get_data(as_text=True))
    assert FAILED in wrong_html
    assert FAILED in unknown_html
    # The pages differ only in the e-mail echoed back into the form.
    assert wrong_html.replace(partner_user.email, "X") == unknown_html.replace(
        "nobody@acme.example", "X"
    )
    assert signed_in_as(client) is None


def test_empty_login_form_rerenders_with_messages(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter your e-mail address." in html
    assert "Enter your password." in html


def test_remember_me_sets_the_remember_cookie(client, auth, partner_user):
    auth.login(partner_user, remember="y")
    assert client.get_cookie("remember_me") is not None


def test_without_remember_me_there_is_no_remember_cookie(client, auth, partner_user):
    auth.login(partner_user)
    assert client.get_cookie("remember_me") is None


def test_session_is_renewed_at_login(client, auth, partner_user):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "from before the login"
    before = client.get_cookie("session").value

    auth.login(partner_user)

    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == partner_user.session_token


def test_local_next_is_followed(client, auth, partner_admin):
    response = auth.login(partner_admin, next="/team")
    assert response.headers["Location"] == "/team"


def test_next_from_query_string_is_followed(client, partner_admin):
    response = client.post(
        "/login?next=/team", data={"email": partner_admin.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/team"


def test_login_page_carries_next_into_the_form(client):
    html = client.get("/login?next=/team").get_data(as_text=True)
    assert 'value="/team"' in html


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/team",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "///evil.example",
    ],
)
def test_next_open_redirect_is_refused(client, auth, partner_user, target):
    response = auth.login(partner_user, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": partner_user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_anonymous_on_protected_page_is_sent_to_login(client):
    response = client.get("/team")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert "next=" in location.query


def test_signed_in_user_visiting_login_goes_home(client, auth, partner_user):
    auth.login(partner_user)
    response = client.get("/login")
    assert response.status_code == 302
    assert _location_path(response) == "/"


def test_deactivated_user_cannot_sign_in(client, auth, make_user, partner_org):
    user = make_user(org=partner_org, email="gone@acme.example", active=False)
    response = auth.login(user)
    assert response.status_code == 422
    assert FAILED in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_suspended_organisation_cannot_sign_in(client, auth, make_org, make_user):
    org = make_org(status=OrgStatus.SUSPENDED)
    user = make_user(org=org, email="frozen@suspended.example")
    response = auth.login(user)
    assert response.status_code == 422
    assert FAILED in response.get_data(as_text=True)


def test_signed_in_user_is_signed_out_once_deactivated(client, auth, partner_admin):
    auth.login(partner_admin)
    assert client.get("/team").status_code == 200

    partner_admin.active = False
    db.session.commit()

    response = client.get("/team")
    assert response.status_code == 302
    assert _location_path(response) == "/login"


def test_signed_in_user_is_signed_out_once_organisation_suspended(
    client, auth, partner_admin, partner_org
):
    auth.login(partner_admin, remember="y")
    assert client.get("/team").status_code == 200

    partner_org.status = OrgStatus.SUSPENDED
    db.session.commit()

    assert client.get("/team").status_code == 302


def test_logout_signs_out_and_forgets_remember_cookie(client, auth, partner_admin):
    auth.login(partner_admin, remember="y")
    response = client.post("/logout")
    assert response.status_code == 302
    assert _location_path(response) == "/login"
    assert client.get_cookie("remember_me") is None
    assert client.get("/team").status_code == 302
    assert "You&#39;re signed out on every device." in client.get("/login").get_data(as_text=True)


def test_logout_rotates_the_session_token(client, auth, partner_user):
    auth.login(partner_user)
    before = partner_user.session_token
    client.post("/logout")
    db.session.refresh(partner_user)
    assert partner_user.session_token != before
    # The account itself is unharmed: signing in again works.
    assert auth.login(partner_user).status_code == 302
    assert signed_in_as(client) == partner_user.session_token


def test_logout_ends_a_copied_session_cookie(client, other_client, auth, partner_admin):
    auth.login(partner_admin)
    other_client.set_cookie("session", client.get_cookie("session").value)
    assert other_client.get("/team").status_code == 200

    client.post("/logout")

    response = other_client.get("/team")
    assert response.status_code == 302
    assert _location_path(response) == "/login"


def test_logout_ends_remember_me_on_other_devices(app, client, auth, partner_admin):
    auth.login(partner_admin, remember="y")
    other_device = app.test_client()
    other_device.set_cookie("remember_me", client.get_cookie("remember_me").value)
    assert other_device.get("/team").status_code == 200

    client.post("/logout")

    assert other_device.get("/team").status_code == 302


def test_anonymous_logout_is_harmless(client):
    response = client.post("/logout")
    assert response.status_code == 302
    assert _location_path(response) == "/login"


def test_logout_is_post_only(client, auth, partner_user):
    auth.login(partner_user)
    assert client.get("/logout").status_code == 405
    assert signed_in_as(client) == partner_user.session_token


def test_another_client_is_not_signed_in_by_mine(client, other_client, auth, partner_admin):
    auth.login(partner_admin)
    assert client.get("/team").status_code == 200
    assert other_client.get("/team").status_code == 302
