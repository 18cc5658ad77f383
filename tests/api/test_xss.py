"""Hostile token names and organisation data on the token pages and the audit log."""

from __future__ import annotations

import pytest

from portal.api.tokens import create_token
from portal.extensions import db
from tests.conftest import sign_in
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


def test_token_names_come_out_escaped(client, partner_admin, admin_user) -> None:
    for payload in XSS_PAYLOADS:
        if payload.strip():
            create_token(partner_admin, payload[:100], ["org:read"], 30)
    db.session.commit()
    sign_in(client, partner_admin)
    html = client.get("/team/api-tokens").get_data(as_text=True)
    assert find_injections(html) == []
    assert raw_payloads_in(html) == []
    sign_in(client, admin_user)
    for url in ("/admin/audit", "/developers/api"):
        html = client.get(url).get_data(as_text=True)
        assert find_injections(html) == [], url
        assert raw_payloads_in(html) == [], url
