"""One organisation for staff: people, invitations, checklist, certifications, tier, escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Invite, OrgStatus, Role
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_page_shows_details_members_and_sections(
    client, login, staff_user, partner_org, partner_user, partner_admin, make_user
):
    make_user(Role.PARTNER_USER, partner_org, email="gone@acme.example", active=False)
    login(staff_user)

    response = client.get(f"/staff/orgs/{partner_org.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Acme Referrals" in html
    assert "Referral partner" in html and "Registered" in html
    for text in ("Pat Lee", "pat@acme.example", "Alex Kim", "alex@acme.example"):
        assert text in html
    assert "Partner admin" in html and "Partner user" in html
    assert "gone@acme.example" in html and "Deactivated" in html
    assert 'id="staff-steps"' in html  # onboarding/_staff_steps.html
    assert "org-certifications-heading" in html  # learning/_org_certifications.html
    assert f'action="/staff/orgs/{partner_org.id}/invites"' in html
    assert f'action="/staff/orgs/{partner_org.id}/tier"' in html


def test_admin_controls_are_for_admins_only(
    client, login, staff_user, admin_user, partner_org, partner_user
):
    controls = (
        f"/admin/orgs/{partner_org.id}/suspend",
        f"/admin/users/{partner_user.id}/deactivate",
    )
    login(staff_user)
    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert not any(url in html for url in controls)

    login(admin_user)
    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    assert all(url in html for url in controls)


def test_suspended_organisation_offers_reinstatement(client, login, admin_user, make_org):
    org = make_org(status=OrgStatus.SUSPENDED)
    login(admin_user)
    html = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert f"/admin/orgs/{org.id}/reinstate" in html
    assert f"/admin/orgs/{org.id}/suspend" not in html


def test_open_invitations_are_listed_but_not_expired_or_accepted(
    client, login, staff_user, partner_org
):
    now = utcnow()
    for email, expires, accepted in [
        ("open@acme.example", now + timedelta(days=3), None),
        ("expired@acme.example", now - timedelta(days=1), None),
        ("accepted@acme.example", now + timedelta(days=3), now),
    ]:
        db.session.add(
            Invite(
                email=email,
                role=Role.PARTNER_USER,
                organization=partner_org,
                token_hash=email,
                expires_at=expires,
                accepted_at=accepted,
            )
        )
    db.session.commit()
    login(staff_user)

    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)

    assert "open@acme.example" in html
    assert "expired@acme.example" not in html
    assert "accepted@acme.example" not in html


def test_invite_another_person(client, login, staff_user, partner_org):
    login(staff_user)

    response = client.post(
        f"/staff/orgs/{partner_org.id}/invites",
        data={"email": "New.Person@Acme.example", "role": "partner_admin"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/orgs/{partner_org.id}"
    invite = db.session.scalar(sa.select(Invite))
    assert (invite.email, invite.role) == ("new.person@acme.example", Role.PARTNER_ADMIN)
    assert invite.organization_id == partner_org.id
    assert db.session.scalar(sa.select(OutboxMessage.to_email)) == "new.person@acme.example"
    assert db.session.scalar(sa.select(AuditEntry.action)) == "invite.created"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An invitation was sent to new.person@acme.example" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nope", "role": "partner_user"}, "Invalid email address"),
        ({"email": "a@acme.example", "role": "admin"}, "Not a valid choice"),
        ({"email": "pat@acme.example", "role": "partner_user"}, "already has an account"),
    ],
)
def test_bad_invitations_re_render_the_page(
    client, login, staff_user, partner_org, partner_user, data, message
):
    login(staff_user)

    response = client.post(f"/staff/orgs/{partner_org.id}/invites", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Pat Lee" in html  # the rest of the page is still there
    assert _count(Invite) == 0
    assert _count(OutboxMessage) == 0


def test_no_invitations_into_a_suspended_organisation(client, login, staff_user, make_org):
    org = make_org(status=OrgStatus.SUSPENDED)
    login(staff_user)
    response = client.post(
        f"/staff/orgs/{org.id}/invites", data={"email": "x@acme.example", "role": "partner_user"}
    )
    assert response.status_code == 422
    assert "suspended" in response.get_data(as_text=True)
    assert _count(Invite) == 0


def test_change_tier_is_audited(client, login, staff_user, partner_org):
    login(staff_user)

    response = client.post(f"/staff/orgs/{partner_org.id}/tier", data={"tier": "gold"})

    assert response.status_code == 302
    db.session.refresh(partner_org)
    assert partner_org.tier == "gold"
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "organization.tier_changed"
    assert entry.actor_id == staff_user.id
    assert (entry.before, entry.after) == ({"tier": "registered"}, {"tier": "gold"})
    assert "now on the Gold tier" in client.get(f"/staff/orgs/{partner_org.id}").get_data(
        as_text=True
    )


def test_same_tier_changes_nothing(client, login, staff_user, partner_org):
    login(staff_user)
    response = client.post(f"/staff/orgs/{partner_org.id}/tier", data={"tier": "registered"})
    assert response.status_code == 302
    assert _count(AuditEntry) == 0


def test_unknown_tier_re_renders_with_a_message(client, login, staff_user, partner_org):
    login(staff_user)
    response = client.post(f"/staff/orgs/{partner_org.id}/tier", data={"tier": "platinum"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(partner_org)
    assert partner_org.tier == "registered"
    assert _count(AuditEntry) == 0


def test_user_text_is_escaped(client, login, staff_user, make_org, make_user):
    org = make_org(name="<script>alert(1)</script>", website='https://x.example/"><b>')
    make_user(Role.PARTNER_USER, org, name="<img src=x onerror=alert(2)>")
    login(staff_user)

    html = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert '"><b>' not in html


def test_non_web_website_is_not_a_link(client, login, staff_user, make_org):
    org = make_org(website="javascript:alert(1)")
    login(staff_user)
    html = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert 'href="javascript:' not in html


def test_every_id_on_the_page_is_unique(client, login, staff_user, partner_org):
    """The page gathers forms from several features (tier facts, meetings, invitations): a
    repeated id sends a label, and a screen reader, to the wrong field."""
    import re
    from collections import Counter

    login(staff_user)
    html = client.get(f"/staff/orgs/{partner_org.id}").get_data(as_text=True)
    repeated = {i: n for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1}
    assert repeated == {}
