"""The vendor's brand in the portal: header, titles, footer, e-mails, /brand.css, logo, favicon.

The fixture content's brand is "Testwind" (tests/fixtures/content/brand/)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.accounts.api import create_invite
from portal.accounts.models import Role
from portal.content_runtime import current_brand
from portal.extensions import db
from portal.notify.models import OutboxMessage


def test_login_page_wears_the_vendors_brand(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    header = page.split('<header class="site-header">')[1].split("</header>")[0]
    assert re.search(r'<a class="brand" href="/">.*Testwind.*</a>', header)
    brand = current_brand()
    assert f'<img class="brand-logo" src="/brand/logo.svg?v={brand.version}" alt=""' in header
    assert "<title>Sign in · Testwind partner portal</title>" in page
    assert f'<link rel="stylesheet" href="/brand.css?v={brand.version}">' in page
    assert f'<link rel="icon" href="/favicon.ico?v={brand.version}" type="image/x-icon">' in page


def test_flywheel_is_named_only_as_powered_by_in_the_footer(login, partner_user) -> None:
    page = login(partner_user).get("/").get_data(as_text=True)
    footer = page.split('<footer class="site-footer">')[1]
    assert "Testwind partner portal · powered by Flywheel" in footer
    assert page.count("Flywheel") == 1


def test_brand_css_sets_the_custom_properties_and_caches_for_a_year(client) -> None:
    version = current_brand().version
    response = client.get(f"/brand.css?v={version}")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert "--brand: #1d4f91;" in css
    assert "--brand-dark: #123462;" in css
    assert "--on-brand: #ffffff;" in css
    assert response.cache_control.public and response.cache_control.max_age == 31536000
    assert response.cache_control.immutable
    assert response.get_etag() == (version, False)


def test_brand_css_without_the_current_version_is_cached_briefly(client) -> None:
    for url in ("/brand.css", "/brand.css?v=old"):
        response = client.get(url)
        assert response.cache_control.max_age == 300 and not response.cache_control.immutable


def test_brand_css_answers_304_to_a_current_etag(client) -> None:
    version = current_brand().version
    response = client.get("/brand.css", headers={"If-None-Match": f'"{version}"'})
    assert response.status_code == 304 and response.get_data() == b""


def test_signed_in_users_may_cache_the_brand_files(login, partner_user) -> None:
    client = login(partner_user)
    version = current_brand().version
    for url in ("/brand.css", "/brand/logo.svg", "/favicon.ico"):
        response = client.get(f"{url}?v={version}")
        assert "no-store" not in response.headers["Cache-Control"], url
    assert client.get("/").headers["Cache-Control"] == "no-store"  # pages still are not


def test_the_logo_is_served_as_an_image_that_cannot_run_anything(client) -> None:
    response = client.get("/brand/logo.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data().startswith(b"<svg")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_favicon_is_the_brands(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/x-icon"
    assert response.get_data() == current_brand().favicon


def test_invite_emails_carry_the_vendors_name(app, partner_admin) -> None:
    create_invite("new@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin)
    db.session.commit()
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_email == "new@acme.example")
    )
    assert message.subject == "You're invited to the Testwind partner portal (Acme Referrals)"
    assert '<td class="header"><a href="http://portal.test/">Testwind</a></td>' in (
        message.body_html
    )
    assert "background: #1d4f91;" in message.body_html  # the button in the brand's colour
    assert "on the Testwind partner portal" in message.body_text
    assert "Sent by the Testwind partner portal" in message.body_text
    assert "Flywheel" not in message.body_html + message.body_text + message.subject


def test_answers_for_shared_caches_never_carry_the_session_cookie(
    login, partner_user, make_certification
) -> None:
    """A proxy may keep a `public` answer with its Set-Cookie and hand the session to others."""
    client = login(partner_user)
    with client.session_transaction() as session:
        session.permanent = True  # Flask then rewrites the cookie on every answer that allows it
    version = current_brand().version
    badge = f"/verify/{make_certification(partner_user).code}/badge.svg"
    for url in (f"/brand.css?v={version}", f"/brand/logo.svg?v={version}", "/favicon.ico", badge):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
