"""portal/urls.py: the one `next` check every redirect uses, and the one absolute-link builder."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from flask import Flask, render_template_string
from hypothesis import given
from hypothesis import strategies as st

from portal.urls import NEXT_MAX_LENGTH, absolute_url, local_target
from tests.conftest import PASSWORD

ORIGIN = "https://portal.example/"

UNSAFE = [
    "https://evil.example",
    "http://evil.example/team",
    "HTTPS://evil.example/",
    "https:evil.example",  # a scheme with no host: still not a path on this site
    "//evil.example",
    "///evil.example",
    "//evil.example/inbox/",
    "\\\\evil.example",
    "/\\evil.example",
    "/inbox\\..\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:someone@example.com",
    "/\t/evil.example",  # browsers drop tabs and line breaks: this is "//evil.example"
    "/\n/evil.example",
    "/\r/evil.example",
    "\x00/team",
    "/team\x7f",
    "evil.example",  # relative: where it lands depends on the page
    "team",
    "http://[",  # urlsplit raises on an unbalanced bracket: refused, not a 500
    "/" + "a" * NEXT_MAX_LENGTH,
    "",
    None,
]


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_targets_are_refused(target) -> None:
    assert local_target(target) is None
    assert local_target(target, within="/inbox") is None


@pytest.mark.parametrize(
    "target",
    ["/", "/team", "/inbox/?owner=none&q=north", "/referrals?before=12#list", "/a" * 999],
)
def test_paths_on_this_site_are_kept_as_given(target) -> None:
    assert local_target(target) == target


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/inbox", "/inbox"),
        ("/inbox/", "/inbox/"),
        ("/inbox/?region=Europe", "/inbox/?region=Europe"),
        ("/inbox/R-000123", "/inbox/R-000123"),
        ("/inboxes", None),  # a prefix of the name is not the folder
        ("/admin/audit", None),
        ("/", None),
    ],
)
def test_within_keeps_to_one_part_of_the_site(target, expected) -> None:
    assert local_target(target, within="/inbox") == expected
    assert local_target(target, within="/inbox/") == expected


@given(st.text(max_size=60))
def test_whatever_is_kept_stays_on_this_site(text: str) -> None:
    """Any text a person could put in `next`: what is kept resolves to this site's origin."""
    for candidate in (text, "/" + text, "//" + text):
        kept = local_target(candidate)
        if kept is not None:
            assert kept == candidate
            assert urljoin(ORIGIN, kept).startswith(ORIGIN)


def test_login_with_a_broken_next_goes_home(client, partner_user) -> None:
    """Both `next` copies once passed "http://[" to urlsplit, which raises: a 500."""
    response = client.post(
        "/login?next=http://[", data={"email": partner_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_absolute_url_comes_from_base_url_not_the_request(app: Flask) -> None:
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert absolute_url("accounts.login") == "http://portal.test/login"
    with app.app_context():  # a CLI command has no request at all
        assert absolute_url("learning.verify", code="ABC") == "http://portal.test/verify/ABC"


def test_absolute_url_takes_a_base_url_with_a_trailing_slash(app: Flask) -> None:
    with app.app_context():
        app.config["BASE_URL"] = "https://partners.example/"
        try:
            assert absolute_url("accounts.login") == "https://partners.example/login"
        finally:
            app.config["BASE_URL"] = "http://portal.test"


def test_templates_build_absolute_links_the_same_way(app: Flask) -> None:
    with app.app_context():
        html = render_template_string("{{ absolute_url('inbox.referral', ref='R-000001') }}")
    assert html == "http://portal.test/inbox/R-000001"
