"""Co-marketing approvals over HTTP: submit, limits, downloads, review, the organisation page."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

from portal.comarketing.models import ComarketingPiece, PieceStatus
from portal.extensions import db
from tests.comarketing.factories import PDF, new_piece

LIMIT = 4096


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "COMARKETING_MAX_BYTES": LIMIT}


def _form(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Joint webinar e-mail",
        "channel": "email",
        "planned_on": "2027-04-01",
        "kit": "",
        **fields,
    }


def _only_piece() -> ComarketingPiece:
    piece = db.session.scalar(sa.select(ComarketingPiece))
    assert piece is not None
    return piece


def test_a_partner_submits_a_file_and_sees_it_awaiting_review(client, login, partner_user) -> None:
    login(partner_user)
    response = client.post(
        "/approvals/new",
        data=_form(file=(io.BytesIO(PDF), "webinar invite.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    piece = _only_piece()
    page = client.get(f"/approvals/{piece.id}").get_data(as_text=True)
    assert "Awaiting review" in page and "webinar invite.pdf" in page
    listing = client.get("/approvals").get_data(as_text=True)
    assert "Joint webinar e-mail" in listing
    csv = client.get("/approvals/export.csv").get_data(as_text=True)
    assert csv.splitlines()[1].startswith("Joint webinar e-mail,E-mail,Awaiting review,1,")


def test_a_file_that_is_not_what_its_name_says_is_refused(client, login, partner_user) -> None:
    login(partner_user)
    response = client.post(
        "/approvals/new",
        data=_form(file=(io.BytesIO(b"MZ\x90\x00 program"), "flyer.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not one of the accepted types" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(ComarketingPiece)) is None


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, login, partner_user) -> None:
    """Past the body limit (the file limit plus room for the form): 413 from its length alone;
    within the body limit but past the file limit: the file is read only up to the limit."""
    login(partner_user)
    response = client.post(
        "/approvals/new",
        data=_form(file=(io.BytesIO(b"%PDF-" + b"x" * (2 * 1024 * 1024)), "big.pdf")),
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    response = client.post(
        "/approvals/new",
        data=_form(file=(io.BytesIO(b"%PDF-" + b"x" * LIMIT), "big.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "larger than" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(ComarketingPiece)) is None


def test_a_file_or_an_address_but_not_neither(client, login, partner_user) -> None:
    login(partner_user)
    response = client.post("/approvals/new", data=_form(url=""))
    assert response.status_code == 422
    assert "one of the two" in response.get_data(as_text=True)
    response = client.post("/approvals/new", data=_form(url="javascript:alert(1)"))
    assert response.status_code == 422


def test_an_html_piece_downloads_as_an_attachment_never_rendered(
    client, login, partner_user, staff_user
) -> None:
    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    piece = new_piece(partner_user, data=html, file_name="landing.html")
    version_id = piece.id  # first version ids follow the pieces in a fresh database
    login(staff_user)
    review = client.get(f"/staff/approvals/{piece.id}").get_data(as_text=True)
    assert "landing.html" in review
    link = review.split('href="/approvals/', 1)[1].split('"', 1)[0]
    response = client.get(f"/approvals/{link}")
    assert response.status_code == 200, version_id
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.mimetype == "text/html"
    assert response.get_data() == html


def test_another_organisation_gets_404(client, login, partner_user, other_partner) -> None:
    piece = new_piece(partner_user)
    login(other_partner)
    assert client.get(f"/approvals/{piece.id}").status_code == 404
    assert client.get(f"/approvals/{piece.id}/versions/1/file").status_code == 404


def test_staff_review_decide_and_the_organisation_page_shows_it(
    client, login, partner_user, staff_user
) -> None:
    piece = new_piece(partner_user, title="<script>alert(1)</script> launch post")
    login(staff_user)
    queue = client.get("/staff/approvals").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; launch post" in queue
    assert "<script>alert(1)</script>" not in queue
    assert "due in" in queue

    refused = client.post(f"/staff/approvals/{piece.id}/decision", data={"decision": "rejected"})
    assert refused.status_code == 422

    done = client.post(
        f"/staff/approvals/{piece.id}/decision",
        data={"decision": "changes_requested", "comment": "Add the disclaimer."},
    )
    assert done.status_code == 302
    assert piece.status == PieceStatus.CHANGES_REQUESTED
    org_page = client.get(f"/staff/orgs/{partner_user.organization_id}").get_data(as_text=True)
    assert "Changes requested (version 1): Add the disclaimer." in org_page

    again = client.post(f"/staff/approvals/{piece.id}/decision", data={"decision": "approved"})
    assert again.status_code == 302
    assert piece.approval_reference is None  # not awaiting review: refused, nothing changed


def test_the_partner_sends_a_new_version_by_address(
    client, login, partner_user, staff_user
) -> None:
    piece = new_piece(partner_user)
    login(staff_user)
    client.post(
        f"/staff/approvals/{piece.id}/decision",
        data={"decision": "changes_requested", "comment": "Shorter subject line."},
    )
    login(partner_user)
    page = client.get(f"/approvals/{piece.id}").get_data(as_text=True)
    assert "Shorter subject line." in page and "Send a new version" in page
    response = client.post(
        f"/approvals/{piece.id}/versions",
        data={"url": "https://preview.example.com/v2", "note": "Subject shortened."},
    )
    assert response.status_code == 302
    assert piece.status == PieceStatus.SUBMITTED and piece.version_count == 2
    page = client.get(f"/approvals/{piece.id}").get_data(as_text=True)
    assert "https://preview.example.com/v2" in page and "invite.pdf" in page
