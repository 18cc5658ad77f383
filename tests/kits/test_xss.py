"""Hostile organisation and user names through the kit pages and template downloads."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.conftest import sign_in
from tests.kits.conftest import PRICING, WEBINAR
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


def test_no_payload_comes_out_unescaped(app, client, make_org, make_user) -> None:
    for index, payload in enumerate(XSS_PAYLOADS):
        org = make_org(name=payload[:200], partner_type="reseller", tier="gold")
        user = make_user(
            Role.PARTNER_USER,
            org,
            email=f"x{index}@xss.example",
            name=payload[:200],
            job_title=payload[:200],
        )
        sign_in(client, user)
        for url in (
            "/kits",
            f"/kits/{WEBINAR}",
            f"/kits/{WEBINAR}/templates/invite",
            f"/kits/{PRICING}/templates/landing",
            f"/kits/{WEBINAR}/templates/invite/download?format=html",
            f"/kits/{PRICING}/templates/landing/download?format=html",
        ):
            html = client.get(url).get_data(as_text=True)
            assert find_injections(html) == [], (url, payload)
            assert raw_payloads_in(html) == [], (url, payload)
