"""SLA reminders: once per breach, again after a new breach, to the owner or the team."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.referrals import reminders
from portal.referrals.events import EventKind, add_event
from portal.referrals.reminders import send_reminders

T0 = utcnow().replace(microsecond=0) - timedelta(days=60)
TEAM = "partner-team@example.com"


def _reminders() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == "referral_reminder")
            .order_by(OutboxMessage.id)
        )
    )


def _reference(message: OutboxMessage) -> str:
    match = re.search(r"R-\d+", message.subject)
    assert match, message.subject
    return match.group(0)


def test_one_reminder_per_breach_and_again_after_a_new_one(
    app, partner_user, staff_user, make_referral
):
    referral = make_referral(partner_user, now=T0)
    referral.owner_id = staff_user.id
    db.session.commit()
    first_due = T0 + timedelta(hours=48)

    assert send_reminders(now=first_due - timedelta(minutes=1)) == 0  # not overdue yet
    assert send_reminders(now=first_due + timedelta(hours=3)) == 1
    assert send_reminders(now=first_due + timedelta(hours=4)) == 0  # same breach
    assert send_reminders(now=first_due + timedelta(days=5)) == 0

    (message,) = _reminders()
    assert message.to_email == staff_user.email
    assert referral.reference in message.subject and "first response" in message.subject
    assert "overdue by 3 h" in message.body_text
    assert "within 48 hours" in message.body_text
    assert f"http://portal.test/inbox/{referral.reference}" in message.body_text
    assert f'href="http://portal.test/inbox/{referral.reference}"' in message.body_html
    db.session.refresh(referral)
    assert referral.reminded_due_at == first_due

    # A partner-visible update answers the first response and starts the staleness clock.
    answered = first_due + timedelta(days=6)
    add_event(referral, EventKind.UPDATE, staff_user, message="We called them.", now=answered)
    db.session.commit()
    stale_due = answered + timedelta(days=current_content().program.stale_after_days)
    assert referral.next_due_at == stale_due
    assert send_reminders(now=stale_due - timedelta(hours=1)) == 0
    assert send_reminders(now=stale_due + timedelta(days=1, hours=2)) == 1
    assert send_reminders(now=stale_due + timedelta(days=2)) == 0

    second = _reminders()[-1]
    assert "regular update" in second.subject
    assert "no update on this referral for 14 days" in second.body_text
    assert "overdue by 1 d 2 h" in second.body_text


def test_unassigned_or_inactive_owner_goes_to_the_team(
    app, partner_user, staff_user, make_user, make_referral
):
    unassigned = make_referral(partner_user, now=T0)
    gone = make_user("staff", None, email="gone@vendor.example", name="Gone Staff", active=False)
    orphaned = make_referral(partner_user, now=T0 + timedelta(minutes=1))
    orphaned.owner_id = gone.id
    db.session.commit()

    assert send_reminders(now=T0 + timedelta(days=3)) == 2
    by_reference = {_reference(message): message for message in _reminders()}
    assert set(by_reference) == {unassigned.reference, orphaned.reference}
    assert all(message.to_email == TEAM for message in by_reference.values())
    assert "Nobody owns this referral yet" in by_reference[unassigned.reference].body_text
    assert "deactivated" in by_reference[orphaned.reference].body_text


def test_closed_referrals_are_never_reminded(app, partner_user, make_referral):
    referral = make_referral(partner_user, now=T0)
    referral.status, referral.next_due_at, referral.closed_at = "lost", None, T0
    db.session.commit()
    assert send_reminders(now=T0 + timedelta(days=30)) == 0


def test_user_text_is_escaped_in_the_html_part(app, partner_user, make_referral):
    make_referral(partner_user, now=T0, company_name='<img src=x onerror="alert(1)">')
    assert send_reminders(now=T0 + timedelta(days=3)) == 1
    (message,) = _reminders()
    assert "<img src=x" not in message.body_html
    assert "&lt;img src=x" in message.body_html


def test_batches_cover_every_overdue_referral_once(app, partner_user, make_referral, monkeypatch):
    made = [make_referral(partner_user, now=T0 + timedelta(minutes=n % 3)) for n in range(7)]
    assert send_reminders(now=T0 + timedelta(days=3), batch_size=2) == 7
    assert len(_reminders()) == 7
    assert send_reminders(now=T0 + timedelta(days=3), batch_size=2) == 0
    assert {_reference(m) for m in _reminders()} == {r.reference for r in made}


def test_a_claim_lost_to_another_job_sends_nothing(app, partner_user, make_referral, monkeypatch):
    referral = make_referral(partner_user, now=T0)
    original = reminders._overdue_batch

    def raced(*args, **kwargs):
        batch = original(*args, **kwargs)
        # Another job claims the breach between our read and our UPDATE.
        db.session.execute(
            sa.text("UPDATE referrals SET reminded_due_at = next_due_at WHERE id = :id"),
            {"id": referral.id},
        )
        return batch

    monkeypatch.setattr(reminders, "_overdue_batch", raced)
    assert send_reminders(now=T0 + timedelta(days=3)) == 0
    assert _reminders() == []


def test_cli_prints_how_many_were_queued(app, runner, partner_user, make_referral):
    make_referral(partner_user, now=utcnow() - timedelta(days=3))
    result = runner.invoke(args=["referrals", "remind"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Queued 1 reminder."
    result = runner.invoke(args=["referrals", "remind"])
    assert result.output.strip() == "Queued 0 reminders."
