"""The MDF journey through the pages: request, partial approval, claim with proof, paid.

What a partner admin and the partner team notice: the balance on the earnings page, the
queue, the e-mails, the proof download, the audit log's sentences.
"""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.models import MdfAllocation, MdfRequest
from portal.notify.models import OutboxMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake invoice\n"


def _request(client, **overrides):
    data = {
        "activity_type": "event",
        "title": "Spring breakfast",
        "activity_date": (utcnow().date() - timedelta(days=2)).isoformat(),
        "description": "Breakfast briefing for twenty IT leaders.",
        "amount": "4,000",
        "expected_attendees": "20",
        "expected_meetings": "5",
        **overrides,
    }
    return client.post("/mdf/new", data=data)


def test_request_partly_approved_claimed_with_proof_and_paid(
    client, login, make_org, make_user, make_referral
):
    org = make_org(name="Silverline", tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org, email="ann@silverline.example")
    staff = make_user(Role.STAFF, None, email="sam@vendor.example")
    referral = make_referral(admin)

    login(admin)
    response = _request(client)
    assert response.status_code == 302
    request_row = db.session.scalar(sa.select(MdfRequest))
    assert request_row is not None
    page = client.get("/earnings").get_data(as_text=True)
    assert "Market development funds" in page
    assert "USD 1,000.00" in page  # 5,000 for silver, 4,000 held

    login(staff)
    queue = client.get("/staff/mdf").get_data(as_text=True)
    assert request_row.reference in queue and "Silverline" in queue
    response = client.post(
        f"/staff/mdf/{request_row.id}/approve", data={"amount": "3000", "note": "Venue only."}
    )
    assert response.status_code == 302
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_email == "ann@silverline.example")
    ).all()
    assert any("Funds approved" in m.subject for m in mails)
    assert all(m.body_html and m.body_text for m in mails)

    login(admin)
    assert "USD 2,000.00" in client.get("/earnings").get_data(as_text=True)  # 1,000 came back
    response = client.post(
        f"/mdf/{request_row.id}/claim",
        data={
            "amount": "5000",
            "invoice": (io.BytesIO(PDF), "invoice.pdf"),
            "photos": [(io.BytesIO(PNG), "room.png")],
            "attendee_list": (io.BytesIO(b"name,email\nA,a@x.test\nB,b@x.test\n"), "list.csv"),
            "referrals": referral.reference,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    detail = client.get(f"/mdf/{request_row.id}").get_data(as_text=True)
    assert "invoice.pdf" in detail and referral.reference in detail

    login(staff)
    staff_page = client.get(f"/staff/mdf/{request_row.id}").get_data(as_text=True)
    assert "Approve the claim" in staff_page and "2</dd>" in staff_page  # attendees from the CSV
    assert client.post(f"/staff/mdf/{request_row.id}/claim/approve").status_code == 302
    db.session.refresh(request_row)
    assert request_row.payable_minor == 250_000  # 50% of 5,000, under the 3,000 approved
    allocation = db.session.get(MdfAllocation, request_row.allocation_id)
    assert allocation is not None and allocation.committed_minor == 250_000
    response = client.post(f"/staff/mdf/{request_row.id}/pay", data={"payout_reference": "PAY-7"})
    assert response.status_code == 302
    db.session.refresh(request_row)
    assert request_row.status == "paid"
    db.session.refresh(allocation)
    assert allocation.paid_minor == 250_000
    budget = client.get("/staff/mdf/budget.csv").get_data(as_text=True)
    assert "Silver,1,USD,5000.00,0.00,2500.00,2500.00,2500.00" in budget

    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_type == "mdf_request")
    ).all()
    assert actions == [
        "mdf.requested", "mdf.approved", "mdf.claimed", "mdf.claim_approved", "mdf.paid",
    ]  # fmt: skip


def test_proof_download_is_an_attachment_for_the_org_only(
    client, login, make_org, make_user, staff_user
):
    from portal.kits.api import store_upload
    from portal.mdf.models import MdfClaim, MdfProof

    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    login(admin)
    _request(client)
    request_row = db.session.scalar(sa.select(MdfRequest))
    assert request_row is not None
    claim = MdfClaim(
        request_id=request_row.id,
        organization_id=org.id,
        submitted_by_id=admin.id,
        actual_cost_minor=100,
    )
    db.session.add(claim)
    db.session.flush()
    key = store_upload(b"<script>alert(1)</script>", "text/csv")
    proof = MdfProof(
        claim_id=claim.id,
        organization_id=org.id,
        kind="attendees",
        storage_key=key,
        download_name="list.csv",
        media_type="text/csv",
        size_bytes=25,
    )
    db.session.add(proof)
    db.session.commit()

    response = client.get(f"/mdf/proofs/{proof.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert key not in response.headers["Content-Disposition"]

    other = make_user(Role.PARTNER_ADMIN, make_org())
    login(other)
    assert client.get(f"/mdf/proofs/{proof.id}").status_code == 404
    login(staff_user)
    assert client.get(f"/mdf/proofs/{proof.id}").status_code == 200


def test_a_file_whose_content_is_not_its_name_is_refused(client, login, make_org, make_user):
    org = make_org(tier="silver")
    admin = make_user(Role.PARTNER_ADMIN, org)
    login(admin)
    _request(client)
    request_row = db.session.scalar(sa.select(MdfRequest))
    assert request_row is not None
    request_row.status = "approved"
    request_row.approved_minor = request_row.requested_minor
    db.session.commit()
    response = client.post(
        f"/mdf/{request_row.id}/claim",
        data={"amount": "100", "invoice": (io.BytesIO(b"MZ\x90\x00binary"), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The invoice must be a PDF, PNG or JPEG file." in response.get_data(as_text=True)
    db.session.refresh(request_row)
    assert request_row.status == "approved"


def test_files_over_the_limit_are_refused_before_they_are_read(
    app, client, login, make_org, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "MDF_PROOF_MAX_BYTES", 1024)
    admin = make_user(Role.PARTNER_ADMIN, make_org(tier="silver"))
    login(admin)
    _request(client)
    request_row = db.session.scalar(sa.select(MdfRequest))
    assert request_row is not None
    request_row.status = "approved"
    request_row.approved_minor = request_row.requested_minor
    db.session.commit()
    # One file past its own limit: the message beside the field.
    response = client.post(
        f"/mdf/{request_row.id}/claim",
        data={"amount": "100", "invoice": (io.BytesIO(PDF + b"x" * 2048), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Each file may be at most 1 KB." in response.get_data(as_text=True)
    # A body past the limit (seven files and the overhead, never less than MAX_CONTENT_LENGTH):
    # refused from its length, before it is read.
    body_limit = max(7 * 1024 + 64 * 1024, app.config["MAX_CONTENT_LENGTH"])
    response = client.post(
        f"/mdf/{request_row.id}/claim",
        data={"amount": "100", "invoice": (io.BytesIO(PDF + b"x" * body_limit), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    response.request.environ["wsgi.input"].close()  # the test client spooled it to a file
    assert response.status_code == 413
    assert "The files were too large" in response.get_data(as_text=True)
