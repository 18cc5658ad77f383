"""A form post is a form: a JSON body or a stray file is refused with a message, never a 500.

Found by tests/test_hostile_sweep.py: Flask-WTF reads a JSON body as the form when no form data
came (a JSON list was a TypeError), and merges uploaded files into the form (a file under a
text field's name reached `len()` in a validator).
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.referrals.models import Customer, Referral


@pytest.mark.parametrize("body", ["[[]]", "[1, 2]", "7", '{"reason": {"nested": true}}'])
def test_a_json_body_on_a_form_is_refused(client, body) -> None:
    response = client.post("/login", data=body, content_type="application/json")
    assert response.status_code == 415
    assert "accepts only its own form" in response.get_data(as_text=True)


def test_a_json_body_is_refused_before_anything_changes(
    client, login, partner_user, staff_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    login(staff_user)
    response = client.post(
        f"/inbox/{referral.reference}/reject",
        data='{"reason": "Not a fit"}',
        content_type="application/json",
    )
    assert response.status_code == 415
    db.session.refresh(referral)
    assert referral.status == "submitted"


def test_a_file_where_the_form_takes_text_is_refused(
    client, login, partner_user, staff_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    login(staff_user)
    response = client.post(
        f"/inbox/{referral.reference}/value",
        data={"amount": (io.BytesIO(b"1000"), "amount.txt"), "currency": "USD"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "This form takes no file there" in response.get_data(as_text=True)
    db.session.refresh(referral)
    assert referral.deal_value_minor is None


def test_the_customer_upload_still_takes_its_file(client, login, staff_user) -> None:
    login(staff_user)
    csv = b"name,domain\nInitrode,initrode.com\n"
    response = client.post(
        "/inbox/customers/upload",
        data={"file": (io.BytesIO(csv), "customers.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    assert db.session.query(Customer).filter_by(domain="initrode.com").count() == 1


def test_the_customer_upload_refuses_a_file_under_another_name(client, login, staff_user):
    login(staff_user)
    response = client.post(
        "/inbox/customers/upload",
        data={
            "file": (io.BytesIO(b"name,domain\nA,a.com\n"), "a.csv"),
            "next": (io.BytesIO(b"x"), "next.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.query(Customer).count() == 0
    assert db.session.query(Referral).count() == 0


def test_a_query_string_past_the_limit_is_refused_before_it_is_read(client, login, staff_user):
    login(staff_user)
    limit = client.application.config["MAX_QUERY_STRING_LENGTH"]
    assert client.get("/inbox/?q=" + "a" * (limit - 10)).status_code == 200
    response = client.get("/inbox/?q=" + "%20" * limit)
    assert response.status_code == 414
    assert "This address is too long" in response.get_data(as_text=True)


def test_a_form_body_past_the_limit_is_refused_and_changes_nothing(
    client, login, partner_user, staff_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    login(staff_user)
    limit = client.application.config["MAX_FORM_MEMORY_SIZE"]
    body = "message=" + "%0A" * (limit // 3)
    response = client.post(
        f"/inbox/{referral.reference}/note",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    events = db.session.execute(
        sa.text("SELECT count(*) FROM referral_events WHERE referral_id = :id"), {"id": referral.id}
    ).scalar()
    assert events == 1  # the submission only
    # A note as long as the form allows goes through.
    response = client.post(f"/inbox/{referral.reference}/note", data={"message": "é" * 4000})
    assert response.status_code in (200, 302)
