"""Demo referrals: every status, some overdue, one conflict, one commission, loaded once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.demo import load_demo
from portal.extensions import db
from portal.referrals.demo import REGISTERED_DEMO_COMPANY, load_demo_referrals
from portal.referrals.events import EventKind
from portal.referrals.models import Commission, CompanyRegistration, Referral, ReferralEvent
from portal.referrals.service import company_looks_registered
from tests.conftest import DEMO_CONTENT

ALL_STATUSES = {
    "submitted",
    "conflict",
    "accepted",
    "contacted",
    "qualified",
    "proposal",
    "won",
    "lost",
    "rejected",
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CONTENT_DIR": str(DEMO_CONTENT)}


def _demo_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.id)))


def _load_demo() -> None:
    assert load_demo(current_content())  # flask demo load: organisations, users, referrals
    assert load_demo_referrals(_demo_users(), current_content().program) == 0  # once only


@pytest.fixture
def loaded(module_world) -> list[Referral]:
    """The demo, loaded once for the module; what each test changes is rolled back after it."""
    module_world("demo", _load_demo)
    return list(db.session.scalars(sa.select(Referral).order_by(Referral.id)))


def _events(kind: str) -> list[ReferralEvent]:
    return list(db.session.scalars(sa.select(ReferralEvent).where(ReferralEvent.kind == kind)))


def test_every_status_across_both_organisations(loaded: list[Referral]) -> None:
    assert 18 <= len(loaded) <= 25
    assert {r.status for r in loaded} == ALL_STATUSES
    assert len({r.organization_id for r in loaded}) == 2
    assert len({r.submitted_by_id for r in loaded}) == 4
    assert len({r.region for r in loaded}) >= 4
    assert {r.involvement for r in loaded} == {"sourced", "influenced"}
    closed = [r for r in loaded if not r.is_open]
    assert all(r.closed_at is not None and r.next_due_at is None for r in closed)
    assert all(r.close_reason for r in closed if r.status in ("lost", "rejected"))


def test_exactly_one_conflict_against_another_organisations_registration(
    loaded: list[Referral],
) -> None:
    conflicts = [r for r in loaded if r.status == "conflict"]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.conflict_reason == "registered"
    holder = db.session.get(Referral, conflict.conflict_with_id)
    assert holder is not None and holder.is_open
    assert holder.company_name == REGISTERED_DEMO_COMPANY
    assert holder.organization_id != conflict.organization_id
    assert [r.conflict_reason for r in loaded if r is not conflict] == [None] * (len(loaded) - 1)
    # The browser journey types this company into the form and sees the hint.
    assert company_looks_registered("https://tallpine-logistics.co.uk", "", "Tallpine")
    assert not company_looks_registered("https://brand-new-prospect.co.uk", "", "Brand New")


def test_one_won_referral_with_its_commission(loaded: list[Referral]) -> None:
    won = [r for r in loaded if r.status == "won"]
    assert len(won) == 1
    commissions = db.session.scalars(sa.select(Commission)).all()
    assert len(commissions) == 1
    commission = commissions[0]
    assert commission.referral_id == won[0].id
    assert commission.status == "pending" and commission.amount_minor > 0
    assert won[0].deal_value_minor == commission.deal_value_minor
    assert _events(EventKind.COMMISSION_CREATED)
    # Closed referrals hold no registration; open accepted ones do.
    held = set(db.session.scalars(sa.select(CompanyRegistration.referral_id)))
    assert not held & {r.id for r in loaded if not r.is_open}
    assert {r.id for r in loaded if r.status == "accepted"} <= held


def test_some_are_overdue_including_an_unanswered_and_a_stale_one(
    loaded: list[Referral],
) -> None:
    now = utcnow()
    overdue = [r for r in loaded if r.next_due_at is not None and r.next_due_at < now]
    unanswered = [r for r in overdue if r.first_responded_at is None]
    stale = [r for r in overdue if r.first_responded_at is not None]
    assert len(unanswered) >= 3
    assert all(now - r.submitted_at > timedelta(days=2) for r in unanswered)
    assert len(stale) >= 1
    on_track = [r for r in loaded if r.next_due_at is not None and r.next_due_at >= now]
    assert len(on_track) >= 5


def test_timelines_have_staff_updates_notes_owners_and_audit(loaded: list[Referral]) -> None:
    now = utcnow()
    assert len(_events(EventKind.UPDATE)) >= 4
    notes = _events(EventKind.NOTE)
    assert len(notes) >= 4 and not any(n.partner_visible for n in notes)
    assert len({r.owner_id for r in loaded if r.owner_id is not None}) == 2
    assert sum(r.owner_id is not None for r in loaded) >= 10
    events = db.session.scalars(sa.select(ReferralEvent)).all()
    assert all(e.created_at <= now for e in events)
    for referral in loaded:
        first = min((e for e in events if e.referral_id == referral.id), key=lambda e: e.id)
        assert first.kind == EventKind.SUBMITTED and first.created_at == referral.submitted_at
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"referral.accept", "referral.mark_won", "referral.reject"} <= actions


def test_loading_again_creates_nothing(loaded: list[Referral]) -> None:
    counts = (
        len(loaded),
        db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent)),
    )
    assert load_demo_referrals(_demo_users(), current_content().program) == 0
    db.session.commit()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Referral)),
        db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent)),
    ) == counts


def test_nothing_without_partners_or_staff(app: Flask, make_user) -> None:
    staff_only = [make_user("staff", None, email="solo@vendor.example")]
    assert load_demo_referrals(staff_only, current_content().program) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
