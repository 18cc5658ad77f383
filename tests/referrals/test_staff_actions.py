"""Staff actions through portal.referrals.api, without a request: effect, event, audit, mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals import api as referrals
from portal.referrals.api import ActionError
from portal.referrals.models import Commission, CompanyRegistration, ReferralEvent
from portal.referrals.triage import CONTESTED_MESSAGE


@pytest.fixture
def program(app):
    return current_content().program


@pytest.fixture
def referral(partner_user, make_referral):
    return make_referral(partner_user)


def _events(referral, kind=None):
    stmt = sa.select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    if kind is not None:
        stmt = stmt.where(ReferralEvent.kind == kind)
    return list(db.session.scalars(stmt.order_by(ReferralEvent.id)))


def _audits(action):
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _mail(to=None, kind=None):
    """Messages queued by the actions (not the ones the submission itself sent)."""
    stmt = (
        sa.select(OutboxMessage)
        .where(~OutboxMessage.subject.endswith("Referral submitted"))
        .where(OutboxMessage.kind != "referral_new")
        .order_by(OutboxMessage.id)
    )
    if to is not None:
        stmt = stmt.where(OutboxMessage.to_email == to)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def _act(fn, *args, **kwargs):
    """Run an action and commit as the view would."""
    result = fn(*args, **kwargs)
    db.session.commit()
    return result


def _accepted(referral, staff_user, program):
    _act(referrals.accept, referral, staff_user, program)
    return referral


# --- assign -----------------------------------------------------------------------------


def test_assign_sets_owner_records_internal_event_audit_and_emails_owner(
    referral, staff_user, admin_user, program
):
    _act(referrals.assign, referral, admin_user, staff_user, program)
    assert referral.owner_id == staff_user.id
    [event] = _events(referral, "assigned")
    assert not event.partner_visible and "Sam Staff" in event.message
    [entry] = _audits("referral.assign")
    assert entry.actor_id == admin_user.id
    assert entry.target_type == "referral" and entry.target_id == str(referral.id)
    assert entry.organization_id == referral.organization_id
    assert entry.before == {"owner_id": None} and entry.after == {"owner_id": staff_user.id}
    [mail] = _mail(to=staff_user.email)
    assert mail.kind == "referral_assigned"
    assert referral.reference in mail.subject
    assert f"/inbox/{referral.reference}" in mail.body_text
    assert "Ada Admin" in mail.body_html
    # Internal: the partner is not e-mailed about an assignment.
    assert _mail(to="pat@acme.example", kind="referral_event") == []


def test_assigning_to_yourself_sends_no_email(referral, staff_user, program):
    _act(referrals.assign, referral, staff_user, staff_user, program)
    assert referral.owner_id == staff_user.id
    assert _mail(kind="referral_assigned") == []


def test_assign_owner_escapes_company_name_in_email(
    partner_user, make_referral, staff_user, admin_user, program
):
    referral = make_referral(partner_user, company_name="<script>alert(1)</script> Corp")
    _act(referrals.assign, referral, admin_user, staff_user, program)
    [mail] = _mail(kind="referral_assigned")
    assert "<script>" not in mail.body_html
    assert "&lt;script&gt;" in mail.body_html


@pytest.mark.parametrize("who", ["partner", "inactive", "none"])
def test_assign_refuses_anyone_but_an_active_staff_member(
    who, referral, staff_user, partner_user, make_user, program
):
    owner = {
        "partner": partner_user,
        "inactive": make_user(Role.STAFF, None, email="gone@vendor.example", active=False),
        "none": None,
    }[who]
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="active member of the partner team") as refused:
        referrals.assign(referral, staff_user, owner, program)
    assert refused.value.field == "owner"
    assert _snapshot(referral) == before


def test_assign_to_the_current_owner_is_refused(referral, staff_user, program):
    _act(referrals.assign, referral, staff_user, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="already owns"):
        referrals.assign(referral, staff_user, staff_user, program)
    assert _snapshot(referral) == before


# --- accept, reject ----------------------------------------------------------------------


def test_accept_is_partner_visible_answers_first_response_and_emails_partner(
    referral, staff_user, program
):
    assert referral.first_responded_at is None
    _act(referrals.accept, referral, staff_user, program)
    assert referral.status == "accepted"
    [event] = _events(referral, "accepted")
    assert event.partner_visible
    assert (event.from_status, event.to_status) == ("submitted", "accepted")
    assert referral.first_responded_at is not None
    assert referral.next_due_at > utcnow() + timedelta(days=13)  # the staleness clock now
    [entry] = _audits("referral.accept")
    assert entry.before == {"status": "submitted"} and entry.after == {"status": "accepted"}
    [mail] = _mail(to="pat@acme.example", kind="referral_event")
    assert "Accepted" in mail.subject


def test_accept_twice_is_refused(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="already accepted"):
        referrals.accept(referral, staff_user, program)
    assert _snapshot(referral) == before


def test_reject_closes_releases_and_tells_partner_the_reason(referral, staff_user, program):
    assert db.session.scalar(sa.select(CompanyRegistration.referral_id)) == referral.id
    _act(referrals.reject, referral, staff_user, "  Already a customer of ours.  ", program)
    assert referral.status == "rejected"
    assert referral.close_reason == "Already a customer of ours."
    assert referral.closed_at is not None and referral.next_due_at is None
    assert db.session.scalar(sa.select(sa.func.count(CompanyRegistration.id))) == 0
    [event] = _events(referral, "rejected")
    assert event.partner_visible and event.message == "Already a customer of ours."
    [entry] = _audits("referral.reject")
    assert entry.before["status"] == "submitted" and entry.after["status"] == "rejected"
    [mail] = _mail(to="pat@acme.example", kind="referral_event")
    assert "Already a customer of ours." in mail.body_text


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_reject_needs_a_reason(reason, referral, staff_user, program):
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="Give a reason") as refused:
        referrals.reject(referral, staff_user, reason, program)
    assert refused.value.field == "reason"
    assert _snapshot(referral) == before


def test_reject_after_accepting_is_refused(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="mark it lost"):
        referrals.reject(referral, staff_user, "No", program)
    assert _snapshot(referral) == before


# --- accepting a conflict ----------------------------------------------------------------


def test_accepting_a_conflict_takes_over_and_tells_the_earlier_registration_anonymously(
    partner_user, other_partner, make_referral, staff_user, program
):
    first = make_referral(partner_user, company_website="https://initrode.example.com")
    second = make_referral(
        other_partner, company_name="Initrode", company_website="https://www.initrode.example.com"
    )
    assert second.status == "conflict" and second.conflict_with_id == first.id
    first_due = first.next_due_at
    _act(referrals.accept, second, staff_user, program)

    assert second.status == "accepted"
    holder = db.session.scalar(sa.select(CompanyRegistration.referral_id))
    assert holder == second.id
    [notice] = _events(first, "registration_contested")
    assert notice.partner_visible and notice.message == CONTESTED_MESSAGE
    assert notice.actor_id is None
    assert "Globex" not in notice.message and "Olga" not in notice.message
    assert first.next_due_at == first_due  # the notice does not answer that referral's SLA
    [mail] = _mail(to="pat@acme.example", kind="referral_event")
    assert "Another referral for this company was accepted" in mail.subject
    for text in (mail.subject, mail.body_text, mail.body_html):
        assert "Globex" not in text and "Olga" not in text and second.reference not in text
    [entry] = _audits("referral.accept")
    assert entry.after == {"status": "accepted", "contested_referral_id": first.id}


def test_accepting_a_customer_conflict_claims_the_company(
    partner_user, make_referral, staff_user, program
):
    from portal.referrals import registration

    registration.add_customer_domain("umbrella-corp.co.uk", "Umbrella", staff_user.id)
    db.session.commit()
    referral = make_referral(partner_user, company_website="https://www.umbrella-corp.co.uk")
    assert referral.status == "conflict" and referral.conflict_reason == "customer"
    _act(referrals.accept, referral, staff_user, program)
    assert referral.status == "accepted"
    assert db.session.scalar(sa.select(CompanyRegistration.referral_id)) == referral.id


# --- advance ----------------------------------------------------------------------------


def test_advance_walks_the_open_stages_and_stops_before_won(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    registration_row = db.session.scalar(sa.select(CompanyRegistration))
    registration_row.protected_until = utcnow() + timedelta(days=1)
    db.session.commit()
    for stage in ("contacted", "qualified", "proposal"):
        _act(referrals.advance, referral, staff_user, program)
        assert referral.status == stage
    events = _events(referral, "stage_changed")
    assert [e.to_status for e in events] == ["contacted", "qualified", "proposal"]
    assert all(e.partner_visible for e in events)
    assert len(_audits("referral.advance")) == 3
    # Each stage change restarts the protection window.
    db.session.refresh(registration_row)
    assert registration_row.protected_until > utcnow() + timedelta(days=80)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="last open stage"):
        referrals.advance(referral, staff_user, program)
    assert _snapshot(referral) == before


def test_advance_before_accepting_is_refused(referral, staff_user, program):
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="Accept the referral"):
        referrals.advance(referral, staff_user, program)
    assert _snapshot(referral) == before


# --- update, note ------------------------------------------------------------------------


def test_post_update_is_visible_and_emailed(referral, staff_user, program):
    _act(referrals.post_update, referral, staff_user, "We called them today.", program)
    [event] = _events(referral, "update")
    assert event.partner_visible and event.message == "We called them today."
    [entry] = _audits("referral.post_update")
    assert entry.after == {"message": "We called them today."}
    [mail] = _mail(to="pat@acme.example", kind="referral_event")
    assert "We called them today." in mail.body_text
    assert referral.first_responded_at is not None


def test_note_is_internal_and_never_emailed(referral, staff_user, program):
    _act(referrals.add_note, referral, staff_user, "Secret: they churned from us in 2021.", program)
    [event] = _events(referral, "note")
    assert not event.partner_visible
    assert referral.first_responded_at is None  # internal notes do not answer the partner
    assert len(_audits("referral.add_note")) == 1
    # Later partner e-mails never carry the note.
    _act(referrals.accept, referral, staff_user, program)
    for mail in _mail(to="pat@acme.example"):
        assert "Secret" not in mail.body_text and "Secret" not in mail.body_html


@pytest.mark.parametrize("fn", [referrals.post_update, referrals.add_note])
@pytest.mark.parametrize("message", ["", "   "])
def test_update_and_note_need_a_message(fn, message, referral, staff_user, program):
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="Write") as refused:
        fn(referral, staff_user, message, program)
    assert refused.value.field == "message"
    assert _snapshot(referral) == before


def test_note_is_allowed_on_a_closed_referral(referral, staff_user, program):
    _act(referrals.reject, referral, staff_user, "Duplicate", program)
    _act(referrals.add_note, referral, staff_user, "Checked again: duplicate.", program)
    assert len(_events(referral, "note")) == 1


# --- value, won, lost --------------------------------------------------------------------


def test_record_value_is_internal_and_stored(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    _act(referrals.record_value, referral, staff_user, 5_000_000, "usd", program)
    assert (referral.deal_value_minor, referral.deal_currency) == (5_000_000, "USD")
    [event] = _events(referral, "value_recorded")
    assert not event.partner_visible and "USD 50,000.00" in event.message
    [entry] = _audits("referral.record_value")
    assert entry.before == {"deal_value_minor": None, "deal_currency": None}
    assert entry.after == {"deal_value_minor": 5_000_000, "deal_currency": "USD"}
    assert len(_mail(to="pat@acme.example")) == 1  # the acceptance; the value is internal


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (5_000, "EUR", "program currency, USD"),
        (5_000, "", "program currency"),
        (0, "USD", "above zero"),
        (-5, "USD", "above zero"),
    ],
)
def test_record_value_refuses_bad_values(amount, currency, message, referral, staff_user, program):
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match=message):
        referrals.record_value(referral, staff_user, amount, currency, program)
    assert _snapshot(referral) == before


def test_mark_won_creates_the_commission_and_closes(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    commission = _act(
        referrals.mark_won, referral, staff_user, 5_000_000, "USD", program, reason="Signed!"
    )
    assert referral.status == "won" and referral.close_reason == "Signed!"
    assert referral.closed_at is not None and referral.next_due_at is None
    assert (referral.deal_value_minor, referral.deal_currency) == (5_000_000, "USD")
    # The fixture program: referral partners, sourced, 10 %.
    assert commission.amount_minor == 500_000 and commission.currency == "USD"
    assert db.session.scalar(sa.select(Commission.referral_id)) == referral.id
    assert db.session.scalar(sa.select(sa.func.count(CompanyRegistration.id))) == 0
    [won] = _events(referral, "won")
    assert won.partner_visible and won.message == "Signed!"
    assert len(_events(referral, "commission_created")) == 1
    [entry] = _audits("referral.mark_won")
    assert entry.before["status"] == "accepted"
    assert entry.after["status"] == "won" and entry.after["commission_minor"] == 500_000


def test_mark_won_uses_the_recorded_value(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    _act(referrals.record_value, referral, staff_user, 1_000_000, "USD", program)
    commission = _act(referrals.mark_won, referral, staff_user, None, None, program)
    assert commission.amount_minor == 100_000
    assert referral.status == "won"


def test_mark_won_without_a_value_is_refused(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="Enter the deal value") as refused:
        referrals.mark_won(referral, staff_user, None, None, program)
    assert refused.value.field == "amount"
    assert _snapshot(referral) == before
    assert db.session.scalar(sa.select(sa.func.count(Commission.id))) == 0


def test_mark_won_in_another_currency_is_refused(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="program currency"):
        referrals.mark_won(referral, staff_user, 100, "EUR", program)
    assert _snapshot(referral) == before


def test_mark_won_before_accepting_is_refused(referral, staff_user, program):
    with pytest.raises(ActionError, match="Accept the referral"):
        referrals.mark_won(referral, staff_user, 100, "USD", program)
    assert referral.status == "submitted"


def test_mark_lost_closes_with_reason(referral, staff_user, program):
    _accepted(referral, staff_user, program)
    _act(referrals.mark_lost, referral, staff_user, "Went with a competitor.", program)
    assert referral.status == "lost" and referral.close_reason == "Went with a competitor."
    assert referral.closed_at is not None and referral.next_due_at is None
    [event] = _events(referral, "lost")
    assert event.partner_visible
    assert len(_audits("referral.mark_lost")) == 1
    assert db.session.scalar(sa.select(sa.func.count(CompanyRegistration.id))) == 0


def test_mark_lost_needs_a_reason_and_an_accepted_referral(referral, staff_user, program):
    with pytest.raises(ActionError, match="reject it"):
        referrals.mark_lost(referral, staff_user, "Nope", program)
    _accepted(referral, staff_user, program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="Give a reason"):
        referrals.mark_lost(referral, staff_user, " ", program)
    assert _snapshot(referral) == before


# --- closed referrals, actors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        lambda r, u, p: referrals.assign(r, u, u, p),
        lambda r, u, p: referrals.accept(r, u, p),
        lambda r, u, p: referrals.reject(r, u, "Again", p),
        lambda r, u, p: referrals.advance(r, u, p),
        lambda r, u, p: referrals.post_update(r, u, "Hello", p),
        lambda r, u, p: referrals.record_value(r, u, 100, "USD", p),
        lambda r, u, p: referrals.mark_won(r, u, 100, "USD", p),
        lambda r, u, p: referrals.mark_lost(r, u, "Again", p),
    ],
    ids=["assign", "accept", "reject", "advance", "update", "value", "won", "lost"],
)
def test_nothing_changes_a_closed_referral(attempt, referral, staff_user, program):
    _accepted(referral, staff_user, program)
    _act(referrals.mark_won, referral, staff_user, 1_000, "USD", program)
    before = _snapshot(referral)
    with pytest.raises(ActionError, match="closed"):
        attempt(referral, staff_user, program)
    assert _snapshot(referral) == before


def test_partners_cannot_act(referral, partner_user, program):
    with pytest.raises(ActionError, match="partner team"):
        referrals.add_note(referral, partner_user, "Hi", program)


def _snapshot(referral) -> dict:
    """What an action could change: the referral's columns and the rows it adds."""
    db.session.flush()
    columns = {c.key: getattr(referral, c.key) for c in referral.__table__.columns}

    def count(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return {
        "referral": columns,
        "events": count(ReferralEvent),
        "audits": count(AuditEntry),
        "mail": count(OutboxMessage),
        "commissions": count(Commission),
        "registrations": sorted(
            db.session.execute(
                sa.select(CompanyRegistration.referral_id, CompanyRegistration.protected_until)
            ).all()
        ),
    }
