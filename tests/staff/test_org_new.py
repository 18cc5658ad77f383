"""Creating a partner organisation together with the invitation of its first partner admin."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Invite, Organization, OrgStatus, Role
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.staff.service import InviteRefused, create_organization

VALID = {
    "name": "Initech Partners",
    "website": "https://initech.example",
    "partner_type": "reseller",
    "tier": "silver",
    "admin_email": "Peter@Initech.example",
}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_form_offers_the_programs_types_and_tiers(client, login, staff_user):
    login(staff_user)
    html = client.get("/staff/orgs/new").get_data(as_text=True)
    for value in ("referral", "reseller", "alliance", "registered", "silver", "gold"):
        assert f'value="{value}"' in html
    assert '<label for="admin_email">' in html


def test_create_organisation_and_invite_its_admin(client, login, staff_user):
    login(staff_user)

    response = client.post("/staff/orgs/new", data=VALID)

    org = db.session.scalar(sa.select(Organization))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/orgs/{org.id}"
    assert (org.name, org.partner_type, org.tier) == ("Initech Partners", "reseller", "silver")
    assert org.website == "https://initech.example"
    assert org.status == OrgStatus.INVITED

    invite = db.session.scalar(sa.select(Invite))
    assert invite.email == "peter@initech.example"
    assert invite.role == Role.PARTNER_ADMIN
    assert invite.organization_id == org.id
    assert invite.invited_by_id == staff_user.id

    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.to_email == "peter@initech.example"

    created = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.created")
    )
    assert created.actor_id == staff_user.id
    assert created.target_type == "organization"
    assert created.target_id == str(org.id)
    assert created.organization_id == org.id
    assert created.after["partner_type"] == "reseller"
    assert created.after["status"] == "invited"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "an invitation sent to peter@initech.example" in page.lower()
    assert "peter@initech.example" in page  # listed among the open invitations


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"partner_type": "distributor"}, "partner_type", "Not a valid choice"),
        ({"tier": "platinum"}, "tier", "Not a valid choice"),
        ({"admin_email": "not-an-email"}, "admin_email", "Invalid email address"),
        ({"admin_email": ""}, "admin_email", "This field is required"),
        ({"name": ""}, "name", "This field is required"),
        ({"name": "x" * 201}, "name", "Field cannot be longer than 200 characters"),
        ({"website": "javascript://alert(1)"}, "website", "starts with https://"),
        ({"website": "not a url"}, "website", "Enter a full address"),
    ],
)
def test_bad_input_re_renders_with_a_message_and_stores_nothing(
    client, login, staff_user, change, field, message
):
    login(staff_user)

    response = client.post("/staff/orgs/new", data={**VALID, **change})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert message in html
    assert _count(Organization) == 0
    assert _count(Invite) == 0
    assert _count(OutboxMessage) == 0
    assert _count(AuditEntry) == 0


def test_email_with_an_account_is_refused(client, login, staff_user, partner_user):
    login(staff_user)

    response = client.post("/staff/orgs/new", data={**VALID, "admin_email": partner_user.email})

    assert response.status_code == 422
    assert "already has an account" in response.get_data(as_text=True)
    assert _count(Organization) == 1  # only the partner's own organisation
    assert _count(Invite) == 0
    assert _count(OutboxMessage) == 0


def test_service_refuses_unknown_type_and_tier(app, staff_user):
    from portal.content_runtime import current_content

    program = current_content().program
    with pytest.raises(ValueError, match="partner type"):
        create_organization(
            staff_user, program, name="A", partner_type="x", tier="gold", admin_email="a@b.example"
        )
    with pytest.raises(ValueError, match="tier"):
        create_organization(
            staff_user, program, name="A", partner_type="referral", tier="x", admin_email="a@b.c"
        )
    with pytest.raises(InviteRefused, match="already has an account"):
        create_organization(
            staff_user,
            program,
            name="A",
            partner_type="referral",
            tier="gold",
            admin_email=staff_user.email.upper(),
        )
    assert not db.session.new


def test_organisation_name_is_escaped_after_creation(client, login, staff_user):
    login(staff_user)
    response = client.post("/staff/orgs/new", data={**VALID, "name": "<script>alert(1)</script>"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
