"""A partner admin's change goes live only when staff approve it; the diff, audit, leaving."""

from __future__ import annotations

import io

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.directory import profiles
from portal.directory.models import ChangeStatus, DirectoryProfileChange
from portal.extensions import db
from tests.directory.conftest import PROFILE, listed_partner, png_bytes, staff


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_change_shows_as_a_diff_and_goes_live_on_approval(app, client):
    profile, admin = listed_partner("Diff Co")
    change = profiles.propose(
        profile.organization, admin, {**PROFILE, "countries": ["de", "fr"], "website": ""}
    )
    db.session.commit()
    changed = profiles.diff(profile, change, current_content().program)
    assert [(c.label, c.before, c.after) for c in changed] == [
        ("Website", "https://acme.example", "—"),
        ("Countries served", "Germany", "Germany, France"),
    ]
    served = "<dt>Countries served</dt><dd>Germany, France</dd>"
    assert served not in client.get(f"/partners/{profile.slug}").get_data(as_text=True)
    profiles.approve(change, staff(), current_content().program)
    db.session.commit()
    assert served in client.get(f"/partners/{profile.slug}").get_data(as_text=True)
    assert _actions()[-2:] == ["directory.change_proposed", "directory.change_approved"]


def test_a_newer_change_replaces_the_waiting_one(app):
    profile, admin = listed_partner("Twice")
    first = profiles.propose(profile.organization, admin, {**PROFILE, "website": ""})
    second = profiles.propose(profile.organization, admin, PROFILE)
    db.session.commit()
    assert first.status == ChangeStatus.SUPERSEDED
    assert profiles.pending_change(profile.organization_id) == second


def test_a_rejected_change_keeps_the_published_profile_and_tells_why(app, login):
    profile, admin = listed_partner("Rejected Co")
    change = profiles.propose(profile.organization, admin, {**PROFILE, "listed": False})
    profiles.reject(change, staff(), "Please describe your services.")
    db.session.commit()
    assert profile.listed is True
    page = login(admin).get("/directory/profile").get_data(as_text=True)
    assert "Please describe your services." in page
    try:
        profiles.approve(change, staff(), current_content().program)
        raise AssertionError("a decided change was approved again")
    except profiles.ChangeRefused:
        db.session.rollback()


def test_leaving_the_directory_takes_effect_at_once(app, client, login):
    profile, admin = listed_partner("Leaver")
    response = login(admin).post("/directory/profile/withdraw")
    assert response.status_code == 302
    assert client.get(f"/partners/{profile.slug}").status_code == 404
    assert "directory.withdrawn" in _actions()


def test_leaving_the_directory_also_stops_a_waiting_change_from_listing_it_again(app, client):
    """Sent with "list us" ticked, then withdrawn: approving that change keeps it unlisted."""
    profile, admin = listed_partner("Changed Mind")
    change = profiles.propose(
        profile.organization, admin, {**PROFILE, "website": "https://new.example"}
    )
    assert profiles.withdraw(profile.organization, admin)
    profiles.approve(change, staff(), current_content().program)
    db.session.commit()
    assert profile.listed is False and profile.website == "https://new.example"
    assert client.get(f"/partners/{profile.slug}").status_code == 404


def test_partner_admin_sends_a_profile_with_a_logo_and_staff_approve_it(
    app, client, login, uploads, make_org, make_user
):
    from portal.accounts.models import OrgStatus, Role

    org = make_org(name="Fresh Partner", status=OrgStatus.ACTIVE)
    admin = make_user(Role.PARTNER_ADMIN, org)
    partner = login(admin)
    response = partner.post(
        "/directory/profile",
        data={
            "listed": "y",
            "description": "Hello *world*",
            "website": "https://fresh.example",
            "countries": ["de"],
            "industries": ["healthcare"],
            "logo": (io.BytesIO(png_bytes()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert client.get("/partners/fresh-partner").status_code == 404  # not before approval
    change = db.session.scalar(sa.select(DirectoryProfileChange))
    assert change is not None and change.proposed["logo_key"].endswith(".png")
    assert any(uploads.rglob("*.png"))

    reviewer = app.test_client()
    from tests.conftest import sign_in

    sign_in(reviewer, staff())
    page = reviewer.get(f"/staff/directory/{change.id}").get_data(as_text=True)
    assert "Healthcare" in page and "Proposed logo" in page
    assert reviewer.get(f"/staff/directory/{change.id}/logo/proposed").status_code == 200
    assert reviewer.post(f"/staff/directory/{change.id}/approve").status_code == 302

    public = client.get("/partners/fresh-partner")
    assert public.status_code == 200
    body = public.get_data(as_text=True)
    assert (
        '<meta property="og:image" content="http://portal.test/partners/fresh-partner/logo.png'
        in body
    )
    logo = client.get("/partners/fresh-partner/logo.png")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=86400" in logo.headers["Cache-Control"]


def test_a_reject_needs_a_reason(app, login, partner_admin):
    profile, admin = listed_partner("Reasons")
    change = profiles.propose(profile.organization, admin, PROFILE)
    db.session.commit()
    from tests.conftest import sign_in

    reviewer = app.test_client()
    sign_in(reviewer, staff())
    response = reviewer.post(f"/staff/directory/{change.id}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert change.status == ChangeStatus.PENDING
