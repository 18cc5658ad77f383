"""Invitations: the team page, the e-mail, accepting once, expiry, who may invite whom."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts import credentials, invites, links
from portal.accounts.models import Invite, OrgStatus, Role, User
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from tests.accounts.helpers import latest_token, outbox, signed_in_as

NEW_PASSWORD = "a brand new long password"


def _accept(client, token: str, **overrides):
    data = {
        "name": "Nia Newcomer",
        "job_title": "Partner manager",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(f"/invite/{token}", data=data)


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_team_page_lists_members_and_open_invites(client, auth, partner_admin, partner_user):
    invites.create_invite(
        "later@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    auth.login(partner_admin)
    response = client.get("/team")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert partner_user.email in html
    assert partner_admin.email in html
    assert "Partner admin" in html
    assert "later@acme.example" in html
    assert '<label for="email">' in html
    assert '<label for="role">' in html


def test_team_page_does_not_show_other_organisations(client, auth, partner_admin, other_partner):
    auth.login(partner_admin)
    html = client.get("/team").get_data(as_text=True)
    assert other_partner.email not in html


def test_invite_flow_end_to_end(client, other_client, auth, partner_admin, partner_org):
    auth.login(partner_admin)
    response = client.post(
        "/team/invite", data={"email": " Nia@Acme.Example ", "role": Role.PARTNER_USER}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/team"

    messages = outbox("invite", "nia@acme.example")
    assert len(messages) == 1
    assert "Acme Referrals" in messages[0].subject
    assert "http://portal.test/invite/" in messages[0].body_text
    token = latest_token("invite", "nia@acme.example")
    invite = db.session.scalar(sa.select(Invite).where(Invite.email == "nia@acme.example"))
    # Only the hash is stored.
    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invite.token_hash

    page = other_client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert "nia@acme.example" in page.get_data(as_text=True)

    response = _accept(other_client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    user = _user("nia@acme.example")
    assert user is not None
    assert user.organization_id == partner_org.id
    assert user.role == Role.PARTNER_USER
    assert user.name == "Nia Newcomer"
    assert user.job_title == "Partner manager"
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_as(other_client) == user.session_token
    db.session.refresh(invite)
    assert invite.accepted_at is not None
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"invite.created", "invite.accepted"} <= actions


def test_accepting_renews_the_session(other_client, partner_admin):
    _invite, token = invites.create_invite(
        "sess@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    other_client.get(f"/invite/{token}")
    with other_client.session_transaction() as sess:
        sess["planted"] = "before"
    _accept(other_client, token)
    with other_client.session_transaction() as sess:
        assert "planted" not in sess


def test_invite_is_single_use(client, partner_admin):
    _invite, token = invites.create_invite(
        "once@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    assert _accept(client, token).status_code == 302
    client.post("/logout")

    again = client.get(f"/invite/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert _accept(client, token, name="Someone Else").status_code == 410
    assert (
        db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.email == "once@acme.example")
        )
        == 1
    )


def test_invite_expires_after_seven_days(client, partner_admin):
    invite, token = invites.create_invite(
        "late@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    assert invite.expires_at - invite.created_at == pytest.approx(
        timedelta(days=7), abs=timedelta(seconds=5)
    )
    assert invites.find_invite(token) is invite
    assert invites.invite_problem(invite) is None

    invite.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert invites.invite_problem(invites.find_invite(token)) == "expired"
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert _accept(client, token).status_code == 410
    assert _user("late@acme.example") is None


def test_unknown_invite_token_is_a_clear_404(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "do not recognise this invitation" in response.get_data(as_text=True)


def test_accepting_moves_an_invited_organisation_to_onboarding(client, make_org, staff_user):
    org = make_org(name="Fresh Co", status=OrgStatus.INVITED)
    _invite, token = invites.create_invite(
        "first@fresh.example", Role.PARTNER_ADMIN, org, staff_user
    )
    db.session.commit()
    assert _accept(client, token).status_code == 302
    db.session.refresh(org)
    assert org.status == OrgStatus.ONBOARDING
    assert _user("first@fresh.example").role == Role.PARTNER_ADMIN


def test_partner_admin_invites_only_into_own_organisation(
    client, auth, partner_admin, partner_org, other_org
):
    auth.login(partner_admin)
    response = client.post(
        "/team/invite",
        data={
            "email": "sneaky@globex.example",
            "role": Role.PARTNER_ADMIN,
            "organization_id": str(other_org.id),
            "organization": str(other_org.id),
        },
    )
    assert response.status_code == 302
    invite = db.session.scalar(sa.select(Invite).where(Invite.email == "sneaky@globex.example"))
    assert invite.organization_id == partner_org.id
    assert invite.invited_by_id == partner_admin.id


@pytest.mark.parametrize("method,url", [("get", "/team"), ("post", "/team/invite")])
def test_partner_user_cannot_invite(client, auth, partner_user, method, url):
    auth.login(partner_user)
    response = getattr(client, method)(
        url, data={"email": "x@acme.example", "role": Role.PARTNER_USER}
    )
    assert response.status_code == 403
    assert outbox("invite") == []


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_cannot_use_the_partner_team_page(client, auth, staff_user, admin_user, role):
    auth.login(staff_user if role == "staff" else admin_user)
    assert client.get("/team").status_code == 403


def test_anonymous_cannot_invite(client):
    response = client.post("/team/invite", data={"email": "x@acme.example", "role": "partner_user"})
    assert response.status_code == 302
    assert outbox("invite") == []


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "", "role": "partner_user"}, "Enter your colleague&#39;s e-mail address."),
        ({"email": "not-an-address", "role": "partner_user"}, "Enter a valid e-mail address."),
        ({"email": "ok@acme.example", "role": "admin"}, "Not a valid choice"),
    ],
)
def test_team_invite_bad_input_rerenders_with_message(
    client, auth, partner_admin, partner_user, data, message
):
    auth.login(partner_admin)
    response = client.post("/team/invite", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert partner_user.email in html  # the team page itself, not a bare error
    assert outbox("invite") == []


def _open_invitation_line(html: str, email: str) -> str | None:
    """The team page's "open invitations" entry for the address, with its times left out."""
    pattern = rf"<li>{re.escape(email)} · (.*?)\s+· sent .*? · expires .*?</li>"
    match = re.search(pattern, html, re.S)
    return match.group(1) if match else None


@pytest.mark.parametrize("existing", ["other_partner", "staff_user", "partner_user"])
def test_inviting_an_existing_account_answers_like_an_invitation(
    request, client, login, partner_admin, existing
):
    """A partner admin cannot tell from the answer whether an address has an account."""
    account = request.getfixturevalue(existing)
    login(partner_admin)

    fresh = client.post("/team/invite", data={"email": "new@acme.example", "role": "partner_user"})
    fresh_page = client.get(fresh.headers["Location"]).get_data(as_text=True)
    probe = client.post(
        "/team/invite", data={"email": account.email.upper(), "role": "partner_user"}
    )
    probe_page = client.get(probe.headers["Location"]).get_data(as_text=True)

    assert fresh.status_code == probe.status_code == 302
    assert fresh.headers["Location"] == probe.headers["Location"] == "/team"
    assert "Invitation sent to new@acme.example." in fresh_page
    assert f"Invitation sent to {account.email}." in probe_page
    # The address is listed as an open invitation, just like a real one.
    assert _open_invitation_line(probe_page, account.email) == "Partner user"
    assert _open_invitation_line(probe_page, "new@acme.example") == "Partner user"

    # No invitation exists and no invite link was sent: only a note to the address itself.
    assert db.session.scalar(sa.select(Invite).where(Invite.email == account.email)) is None
    assert outbox("invite", account.email) == []
    [note] = outbox("invite_existing_account", account.email)
    assert not note.sensitive
    for body in (note.body_text, note.body_html):
        assert "Alex Kim at Acme Referrals invited you" in body
        assert "already has an account" in body
        assert "http://portal.test/login" in body
        assert "partner manager" in body
        assert "/invite/" not in body
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "invite.existing_account")
    )
    assert entry.actor_id == partner_admin.id
    assert entry.target_id == str(account.id)


def test_existing_account_invitation_is_listed_until_it_would_expire(
    client, login, partner_admin, other_partner
):
    login(partner_admin)
    client.post("/team/invite", data={"email": other_partner.email, "role": "partner_admin"})
    html = client.get("/team").get_data(as_text=True)
    assert _open_invitation_line(html, other_partner.email) == "Partner admin"
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "invite.existing_account")
    )
    entry.created_at = utcnow() - timedelta(days=7, seconds=1)
    db.session.commit()
    html = client.get("/team").get_data(as_text=True)
    assert _open_invitation_line(html, other_partner.email) is None


def test_existing_account_invitations_stay_with_their_organisation(
    client, login, partner_admin, other_partner, staff_user
):
    login(partner_admin)
    client.post("/team/invite", data={"email": staff_user.email, "role": "partner_user"})
    assert staff_user.email in client.get("/team").get_data(as_text=True)
    login(other_partner)
    html = client.get("/team").get_data(as_text=True)
    assert staff_user.email not in html


def test_existing_account_email_escapes_names(client, login, make_org, make_user, partner_user):
    org = make_org(name="<b>Evil & Co</b>")
    admin = make_user("partner_admin", org, email="boss@evil.example", name="<i>Boss</i>")
    login(admin)
    client.post("/team/invite", data={"email": partner_user.email, "role": "partner_user"})
    [note] = outbox("invite_existing_account", partner_user.email)
    assert "<b>Evil" not in note.body_html
    assert "<i>Boss" not in note.body_html
    assert "&lt;i&gt;Boss&lt;/i&gt; at &lt;b&gt;Evil &amp; Co&lt;/b&gt;" in note.body_html
    assert "<i>Boss</i> at <b>Evil & Co</b>" in note.body_text


def test_invite_email_is_marked_sensitive(partner_admin):
    invites.create_invite(
        "sens@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    [message] = outbox("invite", "sens@acme.example")
    assert message.sensitive


def test_invite_into_a_suspended_organisation_cannot_be_accepted(client, make_org, staff_user):
    org = make_org(name="Frozen Co", status=OrgStatus.ONBOARDING)
    invite, token = invites.create_invite("late@frozen.example", Role.PARTNER_USER, org, staff_user)
    org.status = OrgStatus.SUSPENDED
    db.session.commit()

    page = client.get(f"/invite/{token}")
    assert page.status_code == 403
    assert "suspended" in page.get_data(as_text=True)
    response = _accept(client, token)
    assert response.status_code == 403
    assert "suspended" in response.get_data(as_text=True)
    assert _user("late@frozen.example") is None
    assert signed_in_as(client) is None
    assert invites.invite_problem(invite) == "suspended"
    with pytest.raises(credentials.InvalidToken):
        invites.accept_invite(invite, "Late Comer", NEW_PASSWORD)
    assert _user("late@frozen.example") is None


def test_invite_accepted_as_its_organisation_is_suspended_keeps_nothing(
    client, make_org, staff_user, monkeypatch
):
    """Suspended after the invitation was checked: the lifecycle refuses to start onboarding,
    the page says why, and neither the account nor the use of the invitation is kept."""
    org = make_org(name="Frozen Co", status=OrgStatus.INVITED)
    invite, token = invites.create_invite("late@frozen.example", Role.PARTNER_USER, org, staff_user)
    org.status = OrgStatus.SUSPENDED
    db.session.commit()
    monkeypatch.setattr(invites, "invite_problem", lambda invite: None)  # checked just before

    response = _accept(client, token)

    assert response.status_code == 422
    assert "Frozen Co is suspended, so it cannot start onboarding." in response.get_data(
        as_text=True
    )
    assert _user("late@frozen.example") is None
    assert signed_in_as(client) is None
    db.session.refresh(invite)
    assert invite.accepted_at is None


def test_invite_refuses_an_email_that_has_an_account(partner_admin, partner_user):
    with pytest.raises(credentials.EmailInUse):
        invites.create_invite(
            "PAT@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
        )


def test_invite_refuses_partner_role_without_organisation(staff_user):
    with pytest.raises(credentials.AccountError):
        invites.create_invite("x@acme.example", Role.PARTNER_USER, None, staff_user)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"name": ""}, "Enter your name."),
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters."),
        ({"password": "123456789012345", "confirm": "123456789012345"}, "Use more than digits"),
        (
            {"password": "inv@acme.example", "confirm": "inv@acme.example"},
            "Do not use your e-mail address",
        ),
        ({"confirm": "something different"}, "The two passwords do not match."),
        ({"password": "", "confirm": ""}, "Choose a password."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_accept_form_bad_input_rerenders_with_message(client, partner_admin, overrides, message):
    _invite, token = invites.create_invite(
        "inv@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    response = _accept(client, token, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _user("inv@acme.example") is None
    assert invites.invite_problem(invites.find_invite(token)) is None


def test_accept_refused_when_the_email_got_an_account_meanwhile(
    client, partner_admin, make_user, partner_org
):
    _invite, token = invites.create_invite(
        "race@acme.example", Role.PARTNER_USER, partner_admin.organization, partner_admin
    )
    db.session.commit()
    make_user(org=partner_org, email="race@acme.example")
    response = _accept(client, token)
    assert response.status_code == 422
    assert "already has an account" in response.get_data(as_text=True)


def test_invite_email_escapes_organisation_name(make_org, staff_user):
    org = make_org(name="<b>Evil & Co</b>", status=OrgStatus.INVITED)
    invites.create_invite("esc@evil.example", Role.PARTNER_ADMIN, org, staff_user)
    db.session.commit()
    message = outbox("invite", "esc@evil.example")[0]
    assert "<b>Evil" not in message.body_html
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in message.body_html
    assert "<b>Evil & Co</b>" in message.body_text


def test_invite_url_is_absolute_from_base_url(app):
    assert links.invite_url("abc") == "http://portal.test/invite/abc"
