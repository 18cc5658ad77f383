"""The organisation lifecycle: every transition, allowed and refused, with its audit entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.accounts import lifecycle
from portal.accounts.api import (
    AccountError,
    TransitionRefused,
    activate_organization,
    register_organization,
    reinstate_organization,
    start_onboarding,
    suspend_organization,
)
from portal.accounts.models import Organization, OrgStatus, Role
from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db

INVITED, ONBOARDING, ACTIVE, SUSPENDED = (
    OrgStatus.INVITED,
    OrgStatus.ONBOARDING,
    OrgStatus.ACTIVE,
    OrgStatus.SUSPENDED,
)


def entries(org: Organization) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.organization_id == org.id)
            .order_by(AuditEntry.id)
        )
    )


def changed_elsewhere(org: Organization, status: str) -> None:
    """Another request changes the status in the database behind this session's back."""
    db.session.execute(
        sa.update(Organization)
        .where(Organization.id == org.id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def test_register_creates_an_invited_organisation_with_its_audit_entry(app, staff_user):
    org = register_organization(
        staff_user, name="  Northwind  ", partner_type="referral", tier="registered"
    )

    assert (org.name, org.status, org.activated_at) == ("Northwind", INVITED, None)
    [entry] = entries(org)
    assert (entry.action, entry.actor_id) == ("organization.created", staff_user.id)
    assert entry.after == {
        "name": "Northwind",
        "website": "",
        "partner_type": "referral",
        "tier": "registered",
        "region": None,
        "status": "invited",
    }


# --- start_onboarding ------------------------------------------------------------------


def test_start_onboarding_moves_an_invited_organisation(make_org, make_user):
    org = make_org(status=INVITED)
    member = make_user(Role.PARTNER_ADMIN, org)

    assert start_onboarding(org, member) is True

    assert org.status == ONBOARDING
    [entry] = entries(org)
    assert (entry.action, entry.actor_id) == ("organization.onboarding_started", member.id)
    assert (entry.before, entry.after) == ({"status": "invited"}, {"status": "onboarding"})


@pytest.mark.parametrize("status", [ONBOARDING, ACTIVE])
def test_start_onboarding_once_started_changes_nothing(make_org, status):
    org = make_org(status=status)
    assert start_onboarding(org, None) is False
    assert org.status == status and entries(org) == []


def test_start_onboarding_of_a_suspended_organisation_is_refused(make_org):
    org = make_org(name="Frozen Co", status=SUSPENDED)
    with pytest.raises(TransitionRefused, match="Frozen Co is suspended") as refused:
        start_onboarding(org, None)
    assert isinstance(refused.value, AccountError)  # account views show it like any refusal
    assert org.status == SUSPENDED and entries(org) == []


# --- activate_organization -------------------------------------------------------------


@pytest.mark.parametrize("status", [INVITED, ONBOARDING])
def test_activate_records_the_time_and_the_audit_entry(make_org, staff_user, status):
    org = make_org(status=status)
    before = utcnow()

    assert activate_organization(org, staff_user) is True

    assert org.status == ACTIVE
    assert org.activated_at is not None and org.activated_at >= before
    [entry] = entries(org)
    assert (entry.action, entry.actor_id) == ("organization.activated", staff_user.id)
    assert entry.before == {"status": str(status)}
    assert entry.after == {"status": "active", "activated_at": org.activated_at.isoformat()}


def test_activating_an_active_organisation_changes_nothing(make_org):
    first = utcnow()
    org = make_org(status=ACTIVE, activated_at=first)
    assert activate_organization(org, None) is False
    assert org.activated_at == first and entries(org) == []


def test_activating_a_suspended_organisation_is_refused(make_org):
    org = make_org(name="Frozen Co", status=SUSPENDED)
    with pytest.raises(TransitionRefused, match="Frozen Co is suspended, so it cannot be"):
        activate_organization(org, None)
    assert org.status == SUSPENDED and org.activated_at is None and entries(org) == []


def test_activate_asks_ready_after_the_lock_and_keeps_the_state_when_not_ready(make_org):
    org = make_org(status=ONBOARDING)
    asked: list[str] = []

    def not_ready() -> bool:
        asked.append(org.status)
        return False

    assert activate_organization(org, None, ready=not_ready) is False
    assert asked == [ONBOARDING]
    assert org.status == ONBOARDING and org.activated_at is None and entries(org) == []


def test_activate_is_decided_on_the_status_in_the_database_not_the_one_loaded(make_org):
    """Suspended by another request after this one loaded the organisation: never activated."""
    org = make_org(status=ONBOARDING)
    changed_elsewhere(org, SUSPENDED)
    assert org.status == ONBOARDING  # what this session loaded

    with pytest.raises(TransitionRefused):
        activate_organization(org, None)
    assert org.status == SUSPENDED and entries(org) == []


# --- suspend_organization --------------------------------------------------------------


@pytest.mark.parametrize("status", [INVITED, ONBOARDING, ACTIVE])
def test_suspend_ends_every_members_sessions_and_audits(
    make_org, make_user, admin_user, other_partner, status
):
    org = make_org(status=status)
    members = [make_user(Role.PARTNER_ADMIN, org), make_user(Role.PARTNER_USER, org)]
    tokens = [member.session_token for member in members]
    other_token = other_partner.session_token

    assert suspend_organization(org, admin_user) is True

    assert org.status == SUSPENDED
    assert all(m.session_token != t for m, t in zip(members, tokens, strict=True))
    assert not any(member.can_sign_in for member in members)
    assert other_partner.session_token == other_token
    [entry] = entries(org)
    assert (entry.action, entry.actor_id) == ("organization.suspended", admin_user.id)
    assert (entry.before, entry.after) == ({"status": str(status)}, {"status": "suspended"})


def test_suspending_a_suspended_organisation_changes_nothing(make_org, make_user, admin_user):
    org = make_org(status=SUSPENDED)
    member = make_user(Role.PARTNER_USER, org)
    token = member.session_token
    assert suspend_organization(org, admin_user) is False
    assert member.session_token == token and entries(org) == []


# --- reinstate_organization ------------------------------------------------------------


@pytest.mark.parametrize(
    ("activated", "with_member", "expected"),
    [(True, True, ACTIVE), (False, True, ONBOARDING), (False, False, INVITED)],
)
def test_reinstate_resumes_where_the_organisation_was(
    make_org, make_user, admin_user, activated, with_member, expected
):
    activated_at = utcnow() if activated else None
    org = make_org(status=SUSPENDED, activated_at=activated_at)
    if with_member:
        make_user(Role.PARTNER_ADMIN, org)

    assert reinstate_organization(org, admin_user) is True

    assert org.status == expected and org.activated_at == activated_at
    [entry] = entries(org)
    assert (entry.action, entry.actor_id) == ("organization.reinstated", admin_user.id)
    assert (entry.before, entry.after) == ({"status": "suspended"}, {"status": str(expected)})


@pytest.mark.parametrize("status", [INVITED, ONBOARDING, ACTIVE])
def test_reinstating_an_organisation_that_is_not_suspended_changes_nothing(
    make_org, admin_user, status
):
    org = make_org(status=status)
    assert reinstate_organization(org, admin_user) is False
    assert org.status == status and entries(org) == []


# --- a status the lifecycle does not know --------------------------------------------


@pytest.mark.parametrize(
    ("transition", "words"),
    [
        (start_onboarding, "start onboarding"),
        (activate_organization, "be activated"),
        (suspend_organization, "be suspended"),
        (reinstate_organization, "be reinstated"),
    ],
)
def test_every_transition_refuses_a_status_it_does_not_know(
    make_org, admin_user, transition, words
):
    org = make_org(name="Odd Co", status="archived")
    with pytest.raises(TransitionRefused, match=f"^Odd Co is archived, so it cannot {words}.$"):
        transition(org, admin_user)
    assert org.status == "archived" and entries(org) == []


# --- one home ----------------------------------------------------------------------------

PORTAL = Path(lifecycle.__file__).resolve().parent.parent
# Assigning an organisation's status or activation time: `x.activated_at = ...`,
# `status=OrgStatus.X` / `status = OrgStatus.X`, `.status = reinstated_status(...)`.
WRITES_LIFECYCLE = re.compile(
    r"\.activated_at\s*=(?!=)|\bstatus\s*=\s*OrgStatus\.|\.status\s*=\s*reinstated_status"
)
# Demo data is loaded straight into an empty database (portal/demo.py), not by a feature.
NOT_A_FEATURE = {Path("demo.py"), Path("demo_history/__init__.py")}


def test_only_the_lifecycle_writes_an_organisations_status():
    writers = sorted(
        f"{path.relative_to(PORTAL)}:{number}"
        for path in PORTAL.rglob("*.py")
        if path.relative_to(PORTAL) not in NOT_A_FEATURE | {Path("accounts/lifecycle.py")}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITES_LIFECYCLE.search(line)
    )
    assert writers == []


# --- tier ----------------------------------------------------------------------------------


def test_a_tier_change_is_recorded_once_and_an_unknown_tier_is_refused(make_org, staff_user):
    from portal.accounts.api import change_tier
    from portal.content_runtime import current_content

    program = current_content().program
    org = make_org(name="Tiered Co", status=ACTIVE)
    start = org.tier

    assert change_tier(staff_user, org, "gold", program) is True
    assert change_tier(staff_user, org, "gold", program) is False  # a double click
    with pytest.raises(ValueError, match="unknown tier 'platinum'"):
        change_tier(staff_user, org, "platinum", program)

    assert org.tier == "gold"
    [entry] = entries(org)
    assert (entry.action, entry.before, entry.after) == (
        "organization.tier_changed",
        {"tier": start},
        {"tier": "gold"},
    )
