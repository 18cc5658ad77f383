"""A password change or a deactivation signs the person out everywhere, remember-me included."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts import password_reset
from portal.accounts.models import PasswordReset, User
from portal.db_types import utcnow
from portal.extensions import db
from tests.accounts.helpers import latest_token
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a different long password"


def _signed_out(client: FlaskClient) -> bool:
    response = client.get("/team")
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def _devices(app: Flask, user: User) -> tuple[FlaskClient, FlaskClient]:
    """A laptop signed in through the form, and a phone holding only its remember-me cookie."""
    laptop = app.test_client()
    response = laptop.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    phone = app.test_client()
    phone.set_cookie("remember_me", laptop.get_cookie("remember_me").value)
    assert laptop.get("/team").status_code == 200
    assert phone.get("/team").status_code == 200
    return laptop, phone


def _reset_password(app: Flask, user: User) -> None:
    browser = app.test_client()
    browser.post("/reset", data={"email": user.email})
    token = latest_token("password_reset", user.email)
    response = browser.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302


def _admin_does(app: Flask, admin: User, path: str) -> None:
    browser = app.test_client()
    sign_in(browser, admin)
    assert browser.post(path).status_code == 302


def test_password_reset_signs_out_every_device(app, partner_admin):
    laptop, phone = _devices(app, partner_admin)

    _reset_password(app, partner_admin)

    assert _signed_out(laptop)
    assert _signed_out(phone)
    # The phone's dead cookie is removed; the new password signs in as usual.
    assert phone.get_cookie("remember_me") is None
    response = laptop.post("/login", data={"email": partner_admin.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/team").status_code == 200


def test_deactivation_signs_out_every_device_and_reactivation_does_not_revive_them(
    app, admin_user, partner_admin
):
    laptop, phone = _devices(app, partner_admin)
    remember_cookie = phone.get_cookie("remember_me").value

    _admin_does(app, admin_user, f"/admin/users/{partner_admin.id}/deactivate")

    assert _signed_out(laptop)
    assert _signed_out(phone)
    assert phone.get_cookie("remember_me") is None
    _admin_does(app, admin_user, f"/admin/users/{partner_admin.id}/reactivate")
    # Someone who kept a copy of the cookie gets nothing from it after reactivation either.
    device = app.test_client()
    device.set_cookie("remember_me", remember_cookie)
    assert _signed_out(device)


def test_suspending_the_organisation_signs_out_every_device(
    app, admin_user, partner_admin, partner_org
):
    laptop, phone = _devices(app, partner_admin)

    _admin_does(app, admin_user, f"/admin/orgs/{partner_org.id}/suspend")

    assert _signed_out(laptop)
    assert _signed_out(phone)


def test_signing_out_signs_out_every_device(app, partner_admin):
    laptop, phone = _devices(app, partner_admin)
    laptop.post("/logout")
    assert _signed_out(phone)


@pytest.mark.parametrize("change", ["set_password", "reset_password"])
def test_every_password_change_rotates_the_session_token(app, partner_user, change):
    """Whatever path changes a password goes through User.set_password, which rotates it."""
    before = partner_user.session_token
    if change == "set_password":
        partner_user.set_password(NEW_PASSWORD)
    else:
        now = utcnow()
        reset = PasswordReset(
            user=partner_user,
            token_hash="x" * 64,
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
        db.session.add(reset)
        db.session.flush()
        password_reset.reset_password(reset, NEW_PASSWORD)
    db.session.commit()
    assert partner_user.session_token != before
