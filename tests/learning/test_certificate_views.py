"""Request tests: certificate pages, public verification, revocation by staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.learning.certificates import certifications_for_org


def test_verify_valid_without_login(client, make_certification, partner_user) -> None:
    cert = make_certification(partner_user)
    response = client.get(f"/verify/{cert.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid" in page and "Pat Lee" in page and "Certified Basics Partner" in page
    assert cert.issued_at.strftime("%d %b %Y") in page
    assert cert.expires_at.strftime("%d %b %Y") in page


def test_verify_expired(client, make_certification, partner_user) -> None:
    cert = make_certification(partner_user, age=timedelta(days=400))
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "Expired" in page and "expired on" in page


def test_verify_revoked_hides_the_internal_reason(client, make_certification, partner_user) -> None:
    cert = make_certification(partner_user, revoked=True)
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "Revoked" in page and "Testwind revoked this certificate on" in page
    assert "shared answers" not in page


@pytest.mark.parametrize("code", ["no-such-code", "x" * 200, "%3Cscript%3E"])
def test_verify_unknown(client, app, code) -> None:
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Unknown code" in page and "<script>" not in page


def test_certificates_list_and_printable_page(login, partner_user, make_certification) -> None:
    cert = make_certification(partner_user)
    expired = make_certification(partner_user, age=timedelta(days=400))
    client = login(partner_user)
    listing = client.get("/certificates").get_data(as_text=True)
    assert f"/certificates/{cert.id}" in listing and f"/certificates/{expired.id}" in listing
    assert "Valid" in listing and "Expired" in listing
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Pat Lee" in page and "Acme Referrals" in page and cert.code in page
    assert f"http://portal.test/verify/{cert.code}" in page
    assert cert.expires_at.strftime("%d %b %Y") in page


def test_someone_elses_certificate_is_not_found(
    login, partner_user, partner_admin, other_partner, make_certification
) -> None:
    cert = make_certification(partner_user)
    assert login(partner_admin).get(f"/certificates/{cert.id}").status_code == 404
    assert login(other_partner).get(f"/certificates/{cert.id}").status_code == 404
    assert login(other_partner).get("/certificates/99999").status_code == 404


def test_staff_may_view_a_certificate(login, staff_user, partner_user, make_certification) -> None:
    cert = make_certification(partner_user)
    assert login(staff_user).get(f"/certificates/{cert.id}").status_code == 200


def test_staff_revoke_writes_an_audit_entry(
    login, staff_user, partner_user, make_certification
) -> None:
    cert = make_certification(partner_user)
    client = login(staff_user)
    response = client.post(f"/staff/certifications/{cert.id}/revoke", data={"reason": "Cheated"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/orgs/{partner_user.organization_id}")
    db.session.expire_all()
    assert cert.revoked_at is not None and cert.revoked_reason == "Cheated"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_id == str(cert.id)))
    assert entry.action == "certification.revoke" and entry.actor_id == staff_user.id
    assert "Revoked" in client.get(f"/verify/{cert.code}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Give a reason"), ("   ", "Give a reason"), ("x" * 501, "under 500 characters")],
)
def test_revoke_needs_a_reason(
    login, staff_user, partner_user, make_certification, reason, message
) -> None:
    cert = make_certification(partner_user)
    client = login(staff_user)
    response = client.post(f"/staff/certifications/{cert.id}/revoke", data={"reason": reason})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert cert.revoked_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_revoking_twice_says_so(login, staff_user, partner_user, make_certification) -> None:
    cert = make_certification(partner_user, revoked=True)
    response = login(staff_user).post(
        f"/staff/certifications/{cert.id}/revoke", data={"reason": "Again"}
    )
    assert response.status_code == 422
    assert "already revoked" in response.get_data(as_text=True)


def test_partners_cannot_revoke(login, partner_admin, partner_user, make_certification) -> None:
    cert = make_certification(partner_user)
    url = f"/staff/certifications/{cert.id}/revoke"
    assert login(partner_admin).post(url, data={"reason": "x"}).status_code == 403
    assert login(partner_admin).post("/staff/certifications/999/revoke").status_code == 403


def test_org_certifications_partial(app, partner_org, partner_user, make_certification) -> None:
    valid = make_certification(partner_user)
    revoked = make_certification(partner_user, revoked=True)
    with app.test_request_context():
        html = render_template(
            "learning/_org_certifications.html",
            org=partner_org,
            certifications=certifications_for_org(partner_org.id),
        )
    assert html.count("Pat Lee") == 2
    assert f"/staff/certifications/{valid.id}/revoke" in html
    assert f"/staff/certifications/{revoked.id}/revoke" not in html
    assert "Valid" in html and "Revoked" in html
    assert html.count('name="reason"') == 1 and "<label" in html


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"age": timedelta(days=400)}, "expired on"),
        ({"revoked": True}, "was revoked on"),
    ],
)
def test_lapsed_certification_shows_the_path_due_for_renewal(
    login, partner_user, make_certification, kwargs, words
) -> None:
    make_certification(partner_user, **kwargs)
    client = login(partner_user)
    page = client.get("/learn/basics").get_data(as_text=True)
    assert "Due for renewal" in page and words in page
    assert '<progress max="3" value="0"' in page
    assert "Due for renewal" in client.get("/learn").get_data(as_text=True)


def test_valid_certification_shows_the_path_complete(login, partner_user, make_certification):
    cert = make_certification(partner_user)
    page = login(partner_user).get("/learn/basics").get_data(as_text=True)
    assert "Certified" in page and f"/certificates/{cert.id}" in page
    assert '<progress max="3" value="3"' in page and "Locked" not in page


def test_staff_org_page_lists_certifications_and_revokes(
    login, staff_user, partner_user, make_certification
) -> None:
    cert = make_certification(partner_user)
    client = login(staff_user)
    org_url = f"/staff/orgs/{partner_user.organization_id}"
    page = client.get(org_url).get_data(as_text=True)
    action = f'action="/staff/certifications/{cert.id}/revoke"'
    assert "Certified Basics Partner" in page and action in page
    response = client.post(f"/staff/certifications/{cert.id}/revoke", data={"reason": "Left"})
    assert response.headers["Location"].endswith(org_url)
    page = client.get(org_url).get_data(as_text=True)
    assert "Revoked" in page and action not in page
