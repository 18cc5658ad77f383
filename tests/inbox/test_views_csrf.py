"""With CSRF on, the inbox's own forms carry a token that works, plain and over htmx."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.models import ReferralEvent


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_the_page_forms_post_with_their_token(login, staff_user, partner_user, make_referral):
    referral = make_referral(partner_user)
    client = login(staff_user)
    html = client.get(f"/inbox/{referral.reference}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    plain = client.post(
        f"/inbox/{referral.reference}/note", data={"csrf_token": token, "message": "Plain"}
    )
    assert plain.status_code == 302
    htmx = client.post(
        f"/inbox/{referral.reference}/note",
        data={"message": "Over htmx"},
        headers={"HX-Request": "true", "HX-Target": "referral-panel", "X-CSRFToken": header_token},
    )
    assert htmx.status_code == 200 and "Over htmx" in htmx.get_data(as_text=True)
    notes = sa.select(sa.func.count()).where(ReferralEvent.kind == "note")
    assert db.session.scalar(notes) == 2
    assert (
        client.post(f"/inbox/{referral.reference}/note", data={"message": "x"}).status_code == 400
    )
