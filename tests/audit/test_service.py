"""record_audit and record_activity: rows in the caller's transaction, JSON-safe values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from portal.accounts.models import OrgStatus
from portal.audit.models import ActivityEvent, AuditEntry
from portal.audit.service import json_safe, record_activity, record_audit
from portal.extensions import db


def test_json_safe_converts_datetimes_enums_and_nesting():
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    value = {
        "at": moment,
        "on": date(2024, 5, 2),
        "status": OrgStatus.ACTIVE,
        "amount": Decimal("10.50"),
        "nested": {"items": (1, moment), 3: None},
        "tags": {"b", "a"},
        "flag": True,
    }
    assert json_safe(value) == {
        "at": "2024-05-01T12:30:00+00:00",
        "on": "2024-05-02",
        "status": "active",
        "amount": "10.50",
        "nested": {"items": [1, "2024-05-01T12:30:00+00:00"], "3": None},
        "tags": ["a", "b"],
        "flag": True,
    }


def test_record_audit_stores_entry_in_the_callers_transaction(staff_user, partner_org):
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    entry = record_audit(
        staff_user,
        "organization.tier_changed",
        "organization",
        partner_org.id,
        organization_id=partner_org.id,
        before={"tier": "registered", "at": moment},
        after={"tier": "gold"},
    )
    assert entry in db.session.new  # added, not yet committed
    db.session.commit()

    stored = db.session.scalar(sa.select(AuditEntry))
    assert stored.actor_id == staff_user.id
    assert stored.action == "organization.tier_changed"
    assert stored.target_type == "organization"
    assert stored.target_id == str(partner_org.id)
    assert stored.organization_id == partner_org.id
    assert stored.before == {"tier": "registered", "at": "2024-01-02T03:04:05+00:00"}
    assert stored.after == {"tier": "gold"}
    assert stored.created_at.tzinfo is not None


def test_record_audit_without_actor_and_values(app):
    record_audit(None, "system.check", "content", "v1")
    db.session.commit()
    stored = db.session.scalar(sa.select(AuditEntry))
    assert stored.actor_id is None
    assert stored.target_id == "v1"
    assert stored.before is None and stored.after is None


def test_record_audit_is_rolled_back_with_its_cause(staff_user):
    record_audit(staff_user, "user.deactivated", "user", 1)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_record_activity_uses_the_users_organisation(partner_user):
    event = record_activity(partner_user, "download", "kit " * 100)
    assert event in db.session.new
    db.session.commit()

    stored = db.session.scalar(sa.select(ActivityEvent))
    assert stored.user_id == partner_user.id
    assert stored.organization_id == partner_user.organization_id
    assert stored.kind == "download"
    assert len(stored.subject) == 200


def test_record_activity_for_staff_has_no_organisation(staff_user):
    record_activity(staff_user, "login")
    db.session.commit()
    stored = db.session.scalar(sa.select(ActivityEvent))
    assert stored.organization_id is None
    assert stored.subject == ""
