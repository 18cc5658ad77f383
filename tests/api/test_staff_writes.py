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
