"""Sessions in the browser: idle timeout, absolute lifetime and remember-me, with a moved clock."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask_login.utils import encode_cookie

from tests.accounts.helpers import signed_in_as
from tests.conftest import PASSWORD

IDLE_MESSAGE = "You were signed out after 8 hours of inactivity. Sign in again to continue."
LIFETIME_MESSAGE = "You were signed out because a sign-in lasts at most 12 hours"
SIGN_IN_FIRST = "Please sign in to see that page."


def _sent_to_login(response) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 302 and location.path == "/login"


def _cookies_set(response, name: str) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


def test_a_session_left_idle_for_8_hours_ends_with_a_message(client, auth, clock, partner_admin):
    auth.login(partner_admin)
    clock.advance(hours=2)
    assert client.get("/team").status_code == 200

    clock.advance(hours=8)
    response = client.get("/team")

    assert _sent_to_login(response)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == ["/team"]
    assert signed_in_as(client) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert IDLE_MESSAGE in page
    assert SIGN_IN_FIRST not in page
    # Signing in again works and lands on the page that was asked for.
    again = client.post(
        response.headers["Location"], data={"email": partner_admin.email, "password": PASSWORD}
    )
    assert again.headers["Location"] == "/team"


def test_7_hours_59_minutes_idle_is_not_yet_too_long(client, auth, clock, partner_admin):
    auth.login(partner_admin)
    clock.advance(hours=7, minutes=59)
    assert client.get("/team").status_code == 200


def test_an_idle_end_is_told_on_any_page_not_only_protected_ones(
    client, auth, clock, partner_admin
):
    auth.login(partner_admin)
    clock.advance(hours=9)
    page = client.get("/login")
    assert page.status_code == 200
    assert IDLE_MESSAGE in page.get_data(as_text=True)


def test_activity_keeps_the_session_until_its_12_hour_lifetime(client, auth, clock, partner_admin):
    auth.login(partner_admin)
    for _ in range(5):
        clock.advance(hours=2, minutes=23)
        assert client.get("/team").status_code == 200
    clock.advance(minutes=5)  # 12 h 0 min since the password was typed

    response = client.get("/team")

    assert _sent_to_login(response)
    assert LIFETIME_MESSAGE in client.get("/login").get_data(as_text=True)


def test_last_seen_is_written_back_at_most_once_a_minute(client, auth, clock, partner_admin):
    auth.login(partner_admin)
    client.get("/team")  # the first page adds its CSRF token to the session
    clock.advance(seconds=30)
    assert _cookies_set(client.get("/team"), "session") == []
    clock.advance(seconds=29)
    assert _cookies_set(client.get("/team"), "session") == []
    clock.advance(seconds=1)
    assert len(_cookies_set(client.get("/team"), "session")) == 1
    assert _cookies_set(client.get("/team"), "session") == []


def test_an_old_session_cookie_replayed_later_is_refused(client, auth, clock, partner_admin):
    """The times live in the signed cookie: replaying yesterday's copy does not revive it."""
    auth.login(partner_admin)
    stolen = client.get_cookie("session").value
    clock.advance(hours=8)
    client.set_cookie("session", stolen)
    assert _sent_to_login(client.get("/team"))


def test_remember_me_restores_the_session_after_the_idle_timeout(
    client, auth, clock, partner_admin
):
    auth.login(partner_admin, remember="y")
    clock.advance(hours=9)

    response = client.get("/team")

    assert response.status_code == 200
    assert IDLE_MESSAGE not in response.get_data(as_text=True)
    assert signed_in_as(client) == partner_admin.session_token
    with client.session_transaction() as sess:
        assert sess["_fresh"] is False
    # The restored session has its own clock: another idle day ends it again, and
    # remember-me brings it back again.
    clock.advance(days=1)
    assert client.get("/team").status_code == 200


def test_remember_me_lasts_14_days_from_the_sign_in_and_no_longer(
    client, auth, clock, partner_admin
):
    auth.login(partner_admin, remember="y")
    for _ in range(13):
        clock.advance(days=1)
        assert client.get("/team").status_code == 200
    clock.advance(hours=23, minutes=59)
    assert client.get("/team").status_code == 200

    clock.advance(minutes=1)
    response = client.get("/team")

    assert _sent_to_login(response)
    # The dead cookie is removed from the browser.
    assert client.get_cookie("remember_me") is None


def test_a_copied_remember_cookie_is_bounded_by_the_server_not_the_browser(
    app, client, auth, clock, partner_admin
):
    """The browser's expiry can be ignored by whoever copied the cookie; the server's cannot."""
    auth.login(partner_admin, remember="y")
    copied = client.get_cookie("remember_me").value
    device = app.test_client()
    clock.advance(days=20)
    device.set_cookie("remember_me", copied)
    assert _sent_to_login(device.get("/team"))


def test_remember_cookie_attributes(client, auth, partner_admin):
    response = auth.login(partner_admin, remember="y")
    [header] = _cookies_set(response, "remember_me")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert f"Max-Age={14 * 24 * 3600}" in header
    # It is signed data, not the bare session token.
    assert partner_admin.session_token not in client.get_cookie("remember_me").value


def test_a_tampered_remember_cookie_is_refused_and_removed(app, client, auth, partner_admin):
    auth.login(partner_admin, remember="y")
    value = client.get_cookie("remember_me").value
    device = app.test_client()
    device.set_cookie("remember_me", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = device.get("/team")
    assert _sent_to_login(response)
    assert _cookies_set(response, "remember_me")  # deleted
    assert device.get_cookie("remember_me") is None


def test_flask_logins_unbounded_cookie_is_not_accepted(app, client, partner_admin):
    """A remember cookie in Flask-Login's own format (no time inside) signs nobody in."""
    with app.test_request_context():
        legacy = encode_cookie(partner_admin.session_token)
    client.set_cookie("remember_token", legacy)
    assert _sent_to_login(client.get("/team"))
    client.set_cookie("remember_me", legacy)
    assert _sent_to_login(client.get("/team"))


def test_signing_in_without_remember_me_drops_the_previous_users_cookie(
    client, auth, clock, partner_admin, partner_user
):
    """On a shared computer the next person's session must not fall back to the first's."""
    auth.login(partner_admin, remember="y")
    client.delete_cookie("session")  # the first person closed the browser without signing out

    response = auth.login(partner_user)

    assert _cookies_set(response, "remember_me")
    assert client.get_cookie("remember_me") is None
    clock.advance(hours=9)
    assert _sent_to_login(client.get("/referrals"))
    assert signed_in_as(client) is None


def test_htmx_request_after_the_idle_timeout_sends_the_whole_page_to_login(
    client, auth, clock, partner_admin
):
    auth.login(partner_admin)
    clock.advance(hours=8)

    response = client.get(
        "/team", headers={"HX-Request": "true", "HX-Current-URL": "http://portal.test/team?x=1"}
    )

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=%2Fteam%3Fx%3D1"
    assert IDLE_MESSAGE in client.get("/login").get_data(as_text=True)


def test_anonymous_visitor_gets_the_usual_message(client):
    response = client.get("/team")
    assert _sent_to_login(response)
    assert SIGN_IN_FIRST in client.get("/login").get_data(as_text=True)
