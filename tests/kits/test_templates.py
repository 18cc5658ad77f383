"""Co-branded templates over HTTP: the page, downloads, copies, escaping, CSRF."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role
from portal.content.cobrand import CobrandError
from tests.kits.conftest import PRICING, WEBINAR, events


@pytest.fixture
def tricky_org_user(make_org, make_user):
    org = make_org(name='<script>alert(1)</script> & "Sons"', website="https://sons.example")
    return make_user(Role.PARTNER_USER, org, name="Kim <b>Bold</b>", job_title="Owner")


def test_the_template_page_shows_the_text_for_the_organisation_escaped(
    login, tricky_org_user
) -> None:
    page = login(tricky_org_user).get(f"/kits/{WEBINAR}/templates/invite").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Sons&#34; and Testwind invite you" in (
        page
    )
    assert "Kim &lt;b&gt;Bold&lt;/b&gt;, Owner" in page
    assert "<script>alert(1)" not in page
    assert "<b>Bold" not in page
    assert '<textarea id="template-text" readonly' in page
    assert re.search(r'src="/static/js/kits\.[0-9a-f]{12}\.js"', page)
    assert f'action="/kits/{WEBINAR}/templates/invite/copied"' in page
    assert '<button type="submit" hidden>' in page
    assert f'href="/kits/{WEBINAR}/templates/invite/download?format=txt"' in page
    assert f'href="/kits/{WEBINAR}/templates/invite/download?format=html"' in page
    assert events() == []  # viewing is not using


def test_an_html_template_shows_its_source(login, make_org, make_user) -> None:
    org = make_org(
        name="Tom & Jerry", partner_type="reseller", tier="gold", website="https://tj.example"
    )
    user = make_user(Role.PARTNER_USER, org, name="Tom")
    page = login(user).get(f"/kits/{PRICING}/templates/landing").get_data(as_text=True)
    # The sandbox escaped the name once for HTML; the page escapes the HTML source again.
    assert "&lt;h1&gt;Reseller pricing sheet from Tom &amp;amp; Jerry&lt;/h1&gt;" in page


def test_a_text_download_is_an_attachment_and_recorded(login, tricky_org_user) -> None:
    response = login(tricky_org_user).get(f"/kits/{WEBINAR}/templates/invite/download?format=txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{WEBINAR}-invite.txt"'
    )
    assert '<script>alert(1)</script> & "Sons" and Testwind invite you' in response.get_data(
        as_text=True
    )
    org_id = tricky_org_user.organization_id
    assert events() == [("template_download", f"{WEBINAR}/invite", org_id)]


def test_an_html_download_escapes_a_text_template(login, tricky_org_user) -> None:
    response = login(tricky_org_user).get(f"/kits/{WEBINAR}/templates/invite/download?format=html")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].endswith(f'filename="{WEBINAR}-invite.html"')
    assert body.startswith("<!doctype html>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body


def test_the_default_download_follows_the_template_format(login, make_org, make_user) -> None:
    user = make_user(Role.PARTNER_USER, make_org(partner_type="reseller", tier="silver"))
    response = login(user).get(f"/kits/{PRICING}/templates/landing/download")
    assert response.mimetype == "text/html"
    assert "<h1>Reseller pricing sheet from" in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["pdf", "TXT", "exe"])
def test_an_unknown_download_format_is_not_found(login, partner_user, fmt: str) -> None:
    url = f"/kits/{WEBINAR}/templates/invite/download?format={fmt}"
    assert login(partner_user).get(url).status_code == 404
    assert events() == []


def test_a_copy_is_recorded_with_204(login, partner_user, partner_org) -> None:
    response = login(partner_user).post(f"/kits/{WEBINAR}/templates/invite/copied")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert events() == [("template_copy", f"{WEBINAR}/invite", partner_org.id)]


def test_a_template_that_cannot_render_says_so_without_a_500(
    login, partner_user, monkeypatch
) -> None:
    def refuse(*args, **kwargs):
        raise CobrandError("kits/x/templates/invite.md: refused by the sandbox")

    monkeypatch.setattr("portal.kits.views.render_template_for", refuse)
    client = login(partner_user)
    for url in (
        f"/kits/{WEBINAR}/templates/invite",
        f"/kits/{WEBINAR}/templates/invite/download?format=txt",
    ):
        response = client.get(url)
        assert response.status_code == 503
        assert "This template cannot be prepared right now" in response.get_data(as_text=True)
    assert events() == []


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_the_copy_post_needs_the_pages_csrf_token(self, login, partner_user) -> None:
        client = login(partner_user)
        url = f"/kits/{WEBINAR}/templates/invite/copied"
        assert client.post(url).status_code == 400
        page = client.get(f"/kits/{WEBINAR}/templates/invite").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, "the copy form carries a CSRF token"
        assert client.post(url, data={"csrf_token": token.group(1)}).status_code == 204
        assert [kind for kind, _, _ in events()] == ["template_copy"]
