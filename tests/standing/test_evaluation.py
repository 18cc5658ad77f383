"""The daily evaluation end to end: grace periods with their e-mail, reviews, decisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, Role
from portal.audit.models import AuditEntry
from portal.content.model import TierRules
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.standing.evaluation import evaluate_all
from portal.standing.models import TierHistoryEntry, TierReview, TierStatus
from tests.conftest import new_certification, new_org, new_user, sign_in
from tests.standing.conftest import accept_referrals, agree, silver_partner


def history(org: Organization) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(TierHistoryEntry.kind)
            .where(TierHistoryEntry.organization_id == org.id)
            .order_by(TierHistoryEntry.id)
        )
    )


def audit_actions(org: Organization) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.organization_id == org.id, AuditEntry.action.like("%tier%"))
            .order_by(AuditEntry.id)
        )
    )


def emails() -> list[OutboxMessage]:
    """The tier e-mails queued (submitting referrals queues others)."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind.like("tier_%"))
            .order_by(OutboxMessage.id)
        )
    )


def open_review(org: Organization) -> TierReview | None:
    return db.session.scalar(
        sa.select(TierReview).where(
            TierReview.organization_id == org.id, TierReview.status == "open"
        )
    )


def below_silver():
    """A silver partner with one accepted referral of the two silver asks for."""
    org = new_org(name="Slipping Co", tier="silver", status="active", activated_at=utcnow())
    admin = new_user(Role.PARTNER_ADMIN, org, email="admin@slipping.example", name="Ada Admin")
    new_user(Role.PARTNER_USER, org, email="user@slipping.example")
    new_user(Role.PARTNER_ADMIN, org, email="gone@slipping.example", active=False)
    agree(org)
    new_certification(admin)
    accept_referrals(admin, 1)
    return org, admin


def test_below_its_tier_an_organisation_gets_grace_an_email_and_then_a_review(
    app, program, client, staff_user
) -> None:
    org, admin = below_silver()
    now = utcnow()
    report = evaluate_all(program, now)

    assert report.organizations == 1 and report.changes == {"grace_started": 1}
    status = db.session.get(TierStatus, org.id)
    ends_on = now.date() + timedelta(days=30)
    assert (status.grace_tier, status.grace_started_on, status.grace_ends_on) == (
        "silver", now.date(), ends_on,
    )  # fmt: skip
    # Only the active partner admin hears about it, with what is missing and the date.
    (message,) = emails()
    assert message.to_email == admin.email
    assert message.kind == "tier_grace_started"
    when = ends_on.strftime("%d %B %Y")
    assert message.subject == f"Slipping Co: keep the Silver tier by {when}"
    assert "- Two referrals a year: 1 of 2" in message.body_text
    assert f"You keep Silver until {when}" in message.body_text
    assert "reviews a move to Registered" in message.body_text
    assert "Two referrals a year: 1 of 2" in message.body_html
    assert history(org) == ["grace_started"]
    assert audit_actions(org) == ["tier.grace_started"]
    assert org.tier == "silver"

    # The same day again: nothing new. Later days in the grace period: nothing new either.
    assert evaluate_all(program, now + timedelta(minutes=5)).organizations == 0
    assert evaluate_all(program, now + timedelta(days=29)).total_changes == 0
    assert len(emails()) == 1 and open_review(org) is None

    # The grace period ends with the organisation still below silver: a review, no move yet.
    report = evaluate_all(program, now + timedelta(days=30))
    assert report.changes == {"downgrade_proposed": 1}
    review = open_review(org)
    assert (review.direction, review.from_tier, review.to_tier) == ("down", "silver", "registered")
    assert review.reasons == ["Two referrals a year: 1 of 2"]
    assert org.tier == "silver"

    # Staff approve it with a reason: the tier changes through the staff feature.
    sign_in(client, staff_user)
    page = client.get("/staff/tiers").get_data(as_text=True)
    assert "Slipping Co" in page and "down from Silver to Registered" in page
    assert "Two referrals a year: 1 of 2" in page
    response = client.post(
        f"/staff/tiers/reviews/{review.id}/approve", data={"reason": "No referrals since spring"}
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.tier == "registered"
    assert db.session.get(TierStatus, org.id).grace_tier is None
    assert review.status == "approved" and review.decided_by_id == staff_user.id
    assert history(org) == ["grace_started", "downgrade_proposed", "review_approved"]
    assert audit_actions(org)[-2:] == ["organization.tier_changed", "tier.review_approved"]
    standing_page = client.get(f"/staff/orgs/{org.id}/standing").get_data(as_text=True)
    assert "Sam Staff approved the move to Registered: No referrals since spring" in standing_page


def test_meeting_the_tier_again_ends_the_grace_period(app, program) -> None:
    org, admin = below_silver()
    now = utcnow()
    evaluate_all(program, now)
    accept_referrals(admin, 1)
    report = evaluate_all(program, now + timedelta(days=1))
    assert report.changes == {"grace_ended": 1}
    assert db.session.get(TierStatus, org.id).grace_tier is None
    assert history(org) == ["grace_started", "grace_ended"]
    assert audit_actions(org) == ["tier.grace_started", "tier.grace_ended"]


def test_declining_a_move_down_keeps_the_tier_and_starts_a_new_grace_period(
    app, program, client, staff_user
) -> None:
    org, _admin = below_silver()
    now = utcnow()
    evaluate_all(program, now)
    evaluate_all(program, now + timedelta(days=30))
    review = open_review(org)
    sign_in(client, staff_user)
    response = client.post(
        f"/staff/tiers/reviews/{review.id}/decline", data={"reason": "Big deal closing in May"}
    )
    assert response.status_code == 302
    assert org.tier == "silver" and review.status == "declined"
    assert db.session.get(TierStatus, org.id).grace_tier is None

    evaluate_all(program, now + timedelta(days=31))
    status = db.session.get(TierStatus, org.id)
    assert status.grace_ends_on == (now + timedelta(days=61)).date()
    assert len(emails()) == 2  # told again, with the new date
    assert history(org) == [
        "grace_started",
        "downgrade_proposed",
        "review_declined",
        "grace_started",
    ]


def test_an_upgrade_waits_for_a_review(app, program, client, staff_user) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    report = evaluate_all(program, utcnow())
    assert report.changes == {"upgrade_proposed": 1}
    review = open_review(org)
    assert (review.direction, review.to_tier) == ("up", "silver")
    assert review.reasons == ["Signed agreement", "One certified person", "Two referrals a year"]
    assert org.tier == "registered" and emails() == []

    sign_in(client, staff_user)
    client.post(f"/staff/tiers/reviews/{review.id}/approve", data={"reason": "Well done"})
    assert org.tier == "silver"
    assert audit_actions(org) == [
        "tier.upgrade_proposed",
        "organization.tier_changed",
        "tier.review_approved",
    ]


def test_upgrades_without_approval_happen_at_once(app, program) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    automatic = replace(program, tier_rules=TierRules(grace_days=30, upgrades_need_approval=False))
    assert evaluate_all(automatic, utcnow()).changes == {"upgraded": 1}
    assert org.tier == "silver"
    assert open_review(org) is None
    changed = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.tier_changed")
    )
    assert changed.actor_id is None and changed.after == {"tier": "silver"}  # the portal did it
    assert history(org) == ["upgraded"]


def test_a_declined_upgrade_is_not_proposed_again_for_the_grace_days(
    app, program, client, staff_user
) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    now = utcnow()
    evaluate_all(program, now)
    sign_in(client, staff_user)
    client.post(f"/staff/tiers/reviews/{open_review(org).id}/decline", data={"reason": "Wait"})
    assert evaluate_all(program, now + timedelta(days=1)).total_changes == 0
    assert open_review(org) is None
    # Thirty days after the decision it is proposed again (the referrals are still recent).
    assert evaluate_all(program, now + timedelta(days=31)).changes == {"upgrade_proposed": 1}


def test_a_tier_changed_by_hand_is_noted_and_withdraws_the_review(
    app, program, client, staff_user
) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    now = utcnow()
    evaluate_all(program, now)
    sign_in(client, staff_user)
    client.post(f"/staff/orgs/{org.id}/tier", data={"tier": "gold"})
    assert org.tier == "gold"

    report = evaluate_all(program, now + timedelta(days=1))
    assert report.changes == {"changed_by_hand": 1, "review_withdrawn": 1, "grace_started": 1}
    assert open_review(org) is None
    entry = db.session.scalar(
        sa.select(TierHistoryEntry).where(TierHistoryEntry.kind == "changed_by_hand")
    )
    assert entry.message == (
        "The partner team moved it from Registered to Gold on the organisation page."
    )
    # The hand-made change was audited by the organisation page itself, once.
    assert audit_actions(org).count("organization.tier_changed") == 1


def test_the_entry_tier_has_no_grace_period(app, program) -> None:
    org = new_org(name="Newcomer", status="onboarding")
    new_user(Role.PARTNER_ADMIN, org)
    assert evaluate_all(program, utcnow()).total_changes == 0
    assert history(org) == [] and emails() == []
    assert db.session.get(TierStatus, org.id).qualified_tier == "registered"


def test_invited_and_suspended_organisations_are_not_evaluated(app, program) -> None:
    new_org(name="Invited", tier="gold", status="invited")
    new_org(name="Suspended", tier="gold", status="suspended")
    report = evaluate_all(program, utcnow())
    assert report.organizations == 0 and emails() == []


def test_the_statement_count_does_not_grow_with_the_organisations(
    app, program, count_queries
) -> None:
    def steady_run(orgs: int, day: int) -> int:
        for n in range(orgs):
            silver_partner(f"Steady {day}-{n}")
        evaluate_all(program, utcnow() + timedelta(days=day))  # the first day adds statuses
        with count_queries() as counted:
            evaluate_all(program, utcnow() + timedelta(days=day + 1))
        return counted.count

    few = steady_run(2, 0)
    many = steady_run(12, 10)
    assert few == many


def test_the_cli_runs_the_evaluation(app, runner) -> None:
    below_silver()
    result = runner.invoke(args=["tiers", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "Evaluated 1 organisation(s) for" in result.output
    assert "grace started: 1" in result.output
    again = runner.invoke(args=["tiers", "evaluate"])
    assert "Evaluated 0 organisation(s)" in again.output
