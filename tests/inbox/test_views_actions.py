"""The staff action posts: plain forms and htmx, bad input, impossible transitions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals import api as referrals
from portal.referrals.models import Commission, Referral, ReferralEvent

HTMX_PANEL = {"HX-Request": "true", "HX-Target": "referral-panel"}


@pytest.fixture
def program(app):
    return current_content().program


@pytest.fixture
def staff_client(login, staff_user):
    return login(staff_user)


@pytest.fixture
def referral(partner_user, make_referral):
    return make_referral(partner_user)


@pytest.fixture
def accepted(referral, staff_user, program):
    referrals.accept(referral, staff_user, program)
    db.session.commit()
    return referral


def _row_headers(referral) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": f"referral-row-{referral.id}"}


def _stored() -> dict[str, object]:
    """Everything a staff action could write."""
    db.session.expire_all()

    def count(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    rows = db.session.execute(
        sa.select(
            Referral.id,
            Referral.status,
            Referral.owner_id,
            Referral.deal_value_minor,
            Referral.deal_currency,
            Referral.close_reason,
        ).order_by(Referral.id)
    ).all()
    return {
        "referrals": rows,
        "events": count(ReferralEvent),
        "audits": count(AuditEntry),
        "mail": count(OutboxMessage),
        "commissions": count(Commission),
    }


# --- success: plain and htmx --------------------------------------------------------------


def test_plain_post_redirects_to_the_referral_page_with_a_message(staff_client, referral):
    response = staff_client.post(f"/inbox/{referral.reference}/accept")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inbox/{referral.reference}")
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted; the partner was told" in page
    assert db.session.get(Referral, referral.id).status == "accepted"


def test_plain_post_from_the_list_goes_back_to_the_list(staff_client, referral):
    response = staff_client.post(
        f"/inbox/{referral.reference}/assign",
        data={"owner": "me", "next": "/inbox/?owner=none&q=north"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inbox/?owner=none&q=north")


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://evil.example/inbox/",
        "//evil.example/inbox/",
        "/admin/audit",
        "/\\evil.example/inbox",
        "javascript:alert(1)",
    ],
)
def test_next_must_be_a_local_inbox_address(staff_client, referral, unsafe):
    response = staff_client.post(
        f"/inbox/{referral.reference}/note", data={"message": "Hi", "next": unsafe}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inbox/{referral.reference}")


def test_htmx_row_action_returns_the_updated_row(staff_client, referral, staff_user):
    response = staff_client.post(
        f"/inbox/{referral.reference}/assign",
        data={"owner": "me", "next": "/inbox/"},
        headers=_row_headers(referral),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.strip().startswith(f'<tr id="referral-row-{referral.id}"')
    assert "Assigned to Sam Staff." in html
    assert "Sam Staff" in html.split('class="row-actions"')[0]  # the owner column
    assert db.session.get(Referral, referral.id).owner_id == staff_user.id


def test_htmx_panel_action_returns_the_updated_panel(staff_client, referral):
    response = staff_client.post(
        f"/inbox/{referral.reference}/note", data={"message": "Called twice."}, headers=HTMX_PANEL
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="referral-panel"' in html
    assert "Internal note added." in html and "Called twice." in html


def test_full_pipeline_through_the_views(staff_client, referral, partner_user):
    ref = referral.reference
    assert staff_client.post(f"/inbox/{ref}/accept").status_code == 302
    assert staff_client.post(f"/inbox/{ref}/advance").status_code == 302
    assert (
        staff_client.post(f"/inbox/{ref}/update", data={"message": "Demo booked."}).status_code
        == 302
    )
    assert (
        staff_client.post(
            f"/inbox/{ref}/value", data={"amount": "120,000.00", "currency": "USD"}
        ).status_code
        == 302
    )
    response = staff_client.post(f"/inbox/{ref}/won", data={"amount": "", "reason": "Signed."})
    assert response.status_code == 302
    found = db.session.get(Referral, referral.id)
    db.session.refresh(found)
    assert found.status == "won" and found.deal_value_minor == 12_000_000
    commission = db.session.scalar(sa.select(Commission))
    # Referral partner, sourced: 10 % of USD 120,000.00 is USD 12,000.00 (under the cap).
    assert commission.amount_minor == 1_200_000 and commission.currency == "USD"
    events = db.session.scalars(
        sa.select(ReferralEvent.kind).where(ReferralEvent.referral_id == referral.id)
    ).all()
    assert events == [
        "submitted", "accepted", "stage_changed", "update", "value_recorded", "won",
        "commission_created",
    ]  # fmt: skip
    partner_mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_email == partner_user.email)
    ).all()
    assert len(partner_mail) == 6  # every partner-visible event, the internal one not
    assert all("Deal value recorded" not in m.subject for m in partner_mail)


def test_accepting_a_conflict_in_the_view_tells_the_earlier_referral(
    staff_client, partner_user, other_partner, make_referral
):
    first = make_referral(partner_user, company_website="https://vandelay.example.net")
    second = make_referral(other_partner, company_website="https://vandelay.example.net")
    assert staff_client.post(f"/inbox/{second.reference}/accept").status_code == 302
    partner_page = staff_client.get(f"/inbox/{first.reference}").get_data(as_text=True)
    assert "Another referral for this company was accepted" in partner_page
    assert "rules of engagement" in partner_page


# --- bad input: a message, nothing stored --------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("reject", {"reason": ""}, "Give a reason the partner will see."),
        ("reject", {"reason": "   "}, "Give a reason the partner will see."),
        ("update", {"message": ""}, "Write the update the partner will read."),
        ("note", {"message": "  "}, "Write the note."),
        ("note", {"message": "x" * 5001}, "Keep the note to 5000 characters."),
        ("assign", {"owner": ""}, "Choose who owns this referral."),
        ("assign", {"owner": "99999"}, "Choose an active member of the partner team."),
        ("assign", {"owner": "abc"}, "Choose an active member of the partner team."),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(staff_client, referral, action, data, message):
    before = _stored()
    response = staff_client.post(f"/inbox/{referral.reference}/{action}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored() == before


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("value", {"amount": "", "currency": "USD"}, "Enter the deal value."),
        ("value", {"amount": "-5", "currency": "USD"}, "Enter a deal value above zero."),
        ("value", {"amount": "0", "currency": "USD"}, "Enter a deal value above zero."),
        ("value", {"amount": "12abc", "currency": "USD"}, "Enter the amount as a number"),
        ("value", {"amount": "NaN", "currency": "USD"}, "Enter the amount as a number"),
        ("value", {"amount": "1e400", "currency": "USD"}, "as a number"),
        ("value", {"amount": "9e999996", "currency": "USD"}, "as a number"),
        ("value", {"amount": "9" * 30, "currency": "USD"}, "too large"),
        ("value", {"amount": "1.234", "currency": "USD"}, "USD amounts have at most 2 decimal"),
        ("value", {"amount": "100", "currency": "EUR"}, "program currency, USD"),
        ("won", {"amount": "-1", "currency": "USD"}, "Enter a deal value above zero."),
        ("won", {"amount": "100", "currency": "GBP"}, "program currency, USD"),
        (
            "won",
            {"amount": "", "currency": "USD"},
            "Enter the deal value to mark the referral won.",
        ),
        ("lost", {"reason": ""}, "Give a reason the partner will see."),
    ],
)
def test_bad_values_get_a_message_and_store_nothing(staff_client, accepted, action, data, message):
    before = _stored()
    response = staff_client.post(f"/inbox/{accepted.reference}/{action}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored() == before


def test_assigning_a_partner_user_is_refused(staff_client, referral, partner_user):
    before = _stored()
    response = staff_client.post(
        f"/inbox/{referral.reference}/assign", data={"owner": str(partner_user.id)}
    )
    assert response.status_code == 422
    assert _stored() == before


def test_assigning_a_colleague_emails_them(staff_client, referral, make_user):
    colleague = make_user(Role.STAFF, None, email="cy@vendor.example", name="Cy Colleague")
    response = staff_client.post(
        f"/inbox/{referral.reference}/assign", data={"owner": str(colleague.id)}
    )
    assert response.status_code == 302
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "referral_assigned")
    )
    assert mail.to_email == "cy@vendor.example" and "Sam Staff" in mail.body_text


# --- impossible transitions ------------------------------------------------------------------


def test_impossible_transition_shows_the_message_with_422(staff_client, accepted):
    before = _stored()
    response = staff_client.post(f"/inbox/{accepted.reference}/accept")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This referral was already accepted." in html and 'role="alert"' in html
    assert _stored() == before


def test_impossible_transition_over_htmx_answers_200_with_the_message(staff_client, referral):
    before = _stored()
    response = staff_client.post(f"/inbox/{referral.reference}/advance", headers=HTMX_PANEL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Accept the referral before moving it" in html
    assert _stored() == before


def test_row_error_comes_back_in_the_row(staff_client, referral):
    before = _stored()
    response = staff_client.post(
        f"/inbox/{referral.reference}/reject", data={"reason": ""}, headers=_row_headers(referral)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.strip().startswith("<tr") and "Give a reason the partner will see." in html
    assert _stored() == before


def test_closed_referral_refuses_every_change(staff_client, accepted, staff_user, program):
    referrals.mark_lost(accepted, staff_user, "Budget cut", program)
    db.session.commit()
    before = _stored()
    for action, data in [
        ("assign", {"owner": "me"}),
        ("advance", {}),
        ("update", {"message": "Hi"}),
        ("value", {"amount": "10", "currency": "USD"}),
        ("won", {"amount": "10", "currency": "USD"}),
        ("lost", {"reason": "Again"}),
    ]:
        response = staff_client.post(f"/inbox/{accepted.reference}/{action}", data=data)
        assert response.status_code == 422, action
        assert "This referral is closed" in response.get_data(as_text=True)
    assert _stored() == before
