"""Staff writes through the API call the inbox's functions: a note stays internal, the next
stage is the program's, each use of inbox:write is audited."""

from __future__ import annotations

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals.api import accept
from tests.api.helpers import bearer, token_for


def test_note_and_advance(client, admin_user, partner_admin, partner_user, make_referral) -> None:
    referral = make_referral(partner_user)
    accept(referral, admin_user, current_content().program)
    db.session.commit()
    staff = bearer(token_for(admin_user, "inbox:write", "referrals:read"))
    partner = bearer(token_for(partner_admin, "referrals:read"))
    note = client.post(
        f"/api/v1/referrals/{referral.reference}/notes",
        json={"message": "Budget confirmed on the call."},
        headers=staff,
    )
    assert note.status_code == 201
    assert note.get_json()["partner_visible"] is False
    moved = client.post(f"/api/v1/referrals/{referral.reference}/advance", headers=staff)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] != "accepted"
    seen = client.get(f"/api/v1/referrals/{referral.reference}", headers=partner).get_json()
    assert "Budget confirmed on the call." not in [e["message"] for e in seen["timeline"]]
    assert seen["status"] == moved.get_json()["status"]
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == str(referral.id))
    ).all()
    assert actions.count("api.write") == 2
    assert {"referral.add_note", "referral.advance"} <= set(actions)
    empty = client.post(
        f"/api/v1/referrals/{referral.reference}/notes", json={"message": ""}, headers=staff
    )
    assert empty.status_code == 422


def _actions(referral_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.target_id == str(referral_id))
        )
    )


def test_owner_value_and_won(
    client, admin_user, staff_user, partner_admin, partner_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    accept(referral, admin_user, current_content().program)
    db.session.commit()
    staff = bearer(token_for(admin_user, "inbox:write"))
    url = f"/api/v1/referrals/{referral.reference}"

    owner = client.put(f"{url}/owner", json={"owner_email": "SAM@vendor.example"}, headers=staff)
    assert owner.status_code == 200, owner.get_json()
    assert owner.get_json()["owner_email"] == "sam@vendor.example"
    assert owner.get_json()["timeline"][-1]["kind"] == "assigned"
    again = client.put(f"{url}/owner", json={"owner_email": "sam@vendor.example"}, headers=staff)
    assert again.status_code == 422
    assert again.get_json()["errors"]["json"]["owner_email"] == [
        "Sam Staff already owns this referral."
    ]
    partner = client.put(f"{url}/owner", json={"owner_email": partner_admin.email}, headers=staff)
    assert partner.status_code == 422
    assert "partner team" in partner.get_json()["detail"]

    wrong = client.put(
        f"{url}/deal-value", json={"deal_value_minor": 100, "currency": "EUR"}, headers=staff
    )
    assert wrong.status_code == 422
    assert "program currency" in wrong.get_json()["errors"]["json"]["currency"][0]
    value = client.put(f"{url}/deal-value", json={"deal_value_minor": 4_800_000}, headers=staff)
    assert value.status_code == 200, value.get_json()
    assert (value.get_json()["deal_value_minor"], value.get_json()["deal_currency"]) == (
        4_800_000,
        "USD",
    )

    won = client.post(f"{url}/outcome", json={"outcome": "won"}, headers=staff)
    assert won.status_code == 200, won.get_json()
    assert won.get_json()["status"] == "won"
    assert won.get_json()["deal_value_minor"] == 4_800_000
    closed = client.post(f"{url}/outcome", json={"outcome": "lost", "reason": "x"}, headers=staff)
    assert closed.status_code == 409
    assert "closed" in closed.get_json()["detail"]

    actions = _actions(referral.id)
    assert actions.count("api.write") == 3  # owner, value, won; refusals leave nothing
    assert {"referral.assign", "referral.record_value", "referral.mark_won"} <= set(actions)
    operations = db.session.scalars(
        sa.select(AuditEntry.after).where(AuditEntry.action == "api.write")
    ).all()
    assert [entry["operation"] for entry in operations] == [
        "assign an owner",
        "record the deal value",
        "mark won",
    ]
    # The partner reads the outcome, and never the owner's address.
    seen = client.get(url, headers=bearer(token_for(partner_admin, "referrals:read"))).get_json()
    assert seen["status"] == "won"
    assert seen["owner_first_name"] == "Sam"
    assert seen["owner_email"] is None


def test_lost_needs_a_reason_and_an_accepted_referral(
    client, admin_user, partner_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    staff = bearer(token_for(admin_user, "inbox:write"))
    url = f"/api/v1/referrals/{referral.reference}/outcome"
    unaccepted = client.post(url, json={"outcome": "lost", "reason": "Budget cut."}, headers=staff)
    assert unaccepted.status_code == 409
    assert "reject it" in unaccepted.get_json()["detail"]
    accept(referral, admin_user, current_content().program)
    db.session.commit()
    blank = client.post(url, json={"outcome": "lost", "reason": "  "}, headers=staff)
    assert blank.status_code == 422
    assert blank.get_json()["errors"]["json"]["reason"] == ["Give a reason the partner will see."]
    valued = client.post(
        url, json={"outcome": "lost", "reason": "x", "deal_value_minor": 5}, headers=staff
    )
    assert valued.status_code == 422
    no_value = client.post(url, json={"outcome": "won"}, headers=staff)
    assert no_value.status_code == 422
    assert "deal_value_minor" in no_value.get_json()["errors"]["json"]
    lost = client.post(url, json={"outcome": "lost", "reason": "Budget cut."}, headers=staff)
    assert lost.status_code == 200
    body = lost.get_json()
    assert body["status"] == "lost"
    assert body["timeline"][-1]["message"] == "Budget cut."
    assert _actions(referral.id).count("api.write") == 1
