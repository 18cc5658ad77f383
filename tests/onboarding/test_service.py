"""Onboarding rules: checklist state, resolvers, ticking and marking steps, activation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus, Role
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.onboarding.models import ChecklistProgress
from portal.onboarding.service import (
    STEP_RESOLVERS,
    StepKindError,
    UnknownStepError,
    acknowledge_step,
    checklist_for,
    mark_staff_step,
    refresh_activation,
)
from portal.signals import certification_issued

FIXTURE_STEPS = [
    "accept-agreement",
    "get-certified",
    "download-kit",
    "first-referral",
    "kickoff-call",
]


def done_ids(state) -> set[str]:
    return {s.step.id for s in state.steps if s.done}


def test_every_step_kind_has_one_resolver():
    assert set(STEP_RESOLVERS) == {
        "acknowledge",
        "agreement",
        "compliance_documents",
        "learning_path",
        "kit_download",
        "first_referral",
        "staff",
    }


@pytest.mark.parametrize("partner_type", ["referral", "reseller", "alliance"])
def test_checklist_lists_the_steps_for_the_partner_type(make_org, content, partner_type):
    org = make_org(partner_type=partner_type)
    state = checklist_for(org, content)
    assert state.checklist is content.checklists[partner_type]
    assert [s.step.id for s in state.steps] == FIXTURE_STEPS
    assert (state.required_done, state.required_total) == (0, 3)
    assert (state.done_count, state.total, state.percent) == (0, 5, 0)
    assert state.next_step.step.id == "accept-agreement"
    assert not state.complete
    assert [s.partner_can_act for s in state.steps] == [True, False, False, False, False]


def test_unknown_partner_type_has_no_checklist_and_never_activates(make_org, content):
    org = make_org(partner_type="retired-type")
    state = checklist_for(org, content)
    assert state.checklist is None and state.steps == () and not state.complete
    assert refresh_activation(org, None, content) is False
    with pytest.raises(UnknownStepError):
        acknowledge_step(org, "accept-agreement", None, content)


def test_acknowledge_records_who_and_when_and_is_idempotent(
    partner_org, partner_user, content, audit_actions
):
    state = acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    db.session.commit()
    step = state.step_state("accept-agreement")
    assert step.done and step.done_by == "Pat Lee" and step.done_at is not None
    assert not step.partner_can_act
    assert state.next_step.step.id == "get-certified"
    assert (state.required_done, state.percent) == (1, 33)

    acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    db.session.commit()
    rows = db.session.scalars(sa.select(ChecklistProgress)).all()
    assert len(rows) == 1
    assert audit_actions(partner_org) == ["onboarding.step_acknowledged"]


@pytest.mark.parametrize("step_id", ["get-certified", "kickoff-call", "download-kit"])
def test_acknowledge_refuses_other_kinds(partner_org, partner_user, content, step_id):
    with pytest.raises(StepKindError):
        acknowledge_step(partner_org, step_id, partner_user, content)
    assert db.session.scalars(sa.select(ChecklistProgress)).all() == []
    assert db.session.scalars(sa.select(AuditEntry)).all() == []


def test_acknowledge_refuses_unknown_step(partner_org, partner_user, content):
    with pytest.raises(UnknownStepError):
        acknowledge_step(partner_org, "no-such-step", partner_user, content)
    assert db.session.scalars(sa.select(ChecklistProgress)).all() == []


def test_progress_of_one_organisation_does_not_touch_another(
    partner_org, partner_user, other_org, content
):
    acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    db.session.commit()
    assert done_ids(checklist_for(partner_org, content)) == {"accept-agreement"}
    assert done_ids(checklist_for(other_org, content)) == set()


def test_staff_mark_and_unmark(partner_org, staff_user, content, audit_actions):
    state = mark_staff_step(partner_org, "kickoff-call", staff_user, content)
    db.session.commit()
    assert state.step_state("kickoff-call").done_by == "Sam Staff"
    state = mark_staff_step(partner_org, "kickoff-call", staff_user, content, done=False)
    db.session.commit()
    assert not state.step_state("kickoff-call").done
    assert audit_actions(partner_org) == ["onboarding.step_marked", "onboarding.step_unmarked"]


def test_staff_mark_refuses_other_kinds_and_unknown_steps(partner_org, staff_user, content):
    with pytest.raises(StepKindError):
        mark_staff_step(partner_org, "accept-agreement", staff_user, content)
    with pytest.raises(UnknownStepError):
        mark_staff_step(partner_org, "nope", staff_user, content)
    assert db.session.scalars(sa.select(ChecklistProgress)).all() == []


def test_learning_path_step_done_with_a_valid_certification(
    partner_org, partner_user, content, make_certification
):
    assert "get-certified" not in done_ids(checklist_for(partner_org, content))
    make_certification(partner_user, valid=timedelta(days=31))
    assert "get-certified" in done_ids(checklist_for(partner_org, content))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"valid": timedelta(0)},
        {"revoked": True},
        {"path_id": "advanced"},
    ],
    ids=["expired", "revoked", "other-path"],
)
def test_learning_path_step_not_done_without_a_valid_certification(
    partner_org, partner_user, content, make_certification, kwargs
):
    make_certification(partner_user, **kwargs)
    assert "get-certified" not in done_ids(checklist_for(partner_org, content))


def test_another_organisations_certification_does_not_count(
    partner_org, other_partner, content, make_certification
):
    make_certification(other_partner)
    assert "get-certified" not in done_ids(checklist_for(partner_org, content))


def test_kit_and_referral_steps_are_not_done_yet(partner_org, content):
    state = checklist_for(partner_org, content)
    assert not state.step_state("download-kit").done
    assert not state.step_state("first-referral").done


def complete_required_steps(org, partner, staff, content, make_certification):
    make_certification(partner)
    acknowledge_step(org, "accept-agreement", partner, content)
    return mark_staff_step(org, "kickoff-call", staff, content)


def test_activation_when_every_required_step_is_done(
    partner_org, partner_user, staff_user, content, make_certification, audit_actions
):
    assert partner_org.activated_at is None
    state = complete_required_steps(
        partner_org, partner_user, staff_user, content, make_certification
    )
    db.session.commit()
    # Optional steps (kit download, first referral) are still open and do not block it.
    assert state.complete and state.percent == 100 and state.done_count == 3
    assert state.next_step.step.id == "download-kit"
    assert partner_org.status == OrgStatus.ACTIVE
    assert partner_org.activated_at is not None
    assert audit_actions(partner_org)[-1] == "organization.activated"
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.activated")
    )
    assert entry.actor_id == staff_user.id
    assert entry.before == {"status": "onboarding"}
    assert entry.after["status"] == "active"


def test_activation_happens_once(
    partner_org, partner_user, staff_user, content, make_certification, audit_actions
):
    complete_required_steps(partner_org, partner_user, staff_user, content, make_certification)
    db.session.commit()
    activated_at = partner_org.activated_at
    assert refresh_activation(partner_org, None, content) is False
    mark_staff_step(partner_org, "kickoff-call", staff_user, content, done=False)
    mark_staff_step(partner_org, "kickoff-call", staff_user, content)
    db.session.commit()
    assert partner_org.activated_at == activated_at
    assert audit_actions(partner_org).count("organization.activated") == 1


def test_invited_organisation_is_activated(
    make_org, make_user, staff_user, content, make_certification
):
    org = make_org(status=OrgStatus.INVITED)
    partner = make_user(Role.PARTNER_ADMIN, org)
    complete_required_steps(org, partner, staff_user, content, make_certification)
    assert org.status == OrgStatus.ACTIVE


def test_suspended_organisation_is_never_activated(
    make_org, make_user, staff_user, content, make_certification, audit_actions
):
    org = make_org(status=OrgStatus.SUSPENDED)
    partner = make_user(Role.PARTNER_ADMIN, org)
    state = complete_required_steps(org, partner, staff_user, content, make_certification)
    db.session.commit()
    assert state.complete
    assert refresh_activation(org, None, content) is False
    assert org.status == OrgStatus.SUSPENDED and org.activated_at is None
    assert "organization.activated" not in audit_actions(org)


def test_organisation_suspended_meanwhile_is_not_activated(
    make_org, make_user, staff_user, content, make_certification, audit_actions
):
    """Suspended by an admin after this request loaded the organisation: the lifecycle reads
    the status under its lock, so completing the checklist does not activate it."""
    org = make_org(status=OrgStatus.ONBOARDING)
    partner = make_user(Role.PARTNER_ADMIN, org)
    make_certification(partner)
    acknowledge_step(org, "accept-agreement", partner, content)
    db.session.execute(
        sa.update(Organization)
        .where(Organization.id == org.id)
        .values(status=OrgStatus.SUSPENDED)
        .execution_options(synchronize_session=False)
    )

    state = mark_staff_step(org, "kickoff-call", staff_user, content)

    assert state.complete
    assert org.status == OrgStatus.SUSPENDED and org.activated_at is None
    assert "organization.activated" not in audit_actions(org)


def test_incomplete_checklist_does_not_activate(partner_org, partner_user, content):
    acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    assert refresh_activation(partner_org, partner_user, content) is False
    assert partner_org.status == OrgStatus.ONBOARDING


def test_certification_issued_signal_activates_the_organisation(
    partner_org, partner_user, staff_user, content, make_certification, audit_actions
):
    acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    mark_staff_step(partner_org, "kickoff-call", staff_user, content)
    db.session.commit()
    assert partner_org.status == OrgStatus.ONBOARDING

    make_certification(partner_user)
    commits: list[object] = []

    def committed(session: object) -> None:
        commits.append(session)

    sa.event.listen(db.session(), "after_commit", committed)
    try:
        certification_issued.send(
            None, organization_id=partner_org.id, user=partner_user, path_id="basics"
        )
    finally:
        sa.event.remove(db.session(), "after_commit", committed)
    # The handler only changes the session (a webhook lookup may flush it); the sender's
    # request commits.
    assert commits == []
    assert partner_org.status == OrgStatus.ACTIVE
    db.session.commit()
    db.session.expire_all()
    assert partner_org.status == OrgStatus.ACTIVE
    assert partner_org.activated_at is not None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.activated")
    )
    assert entry.actor_id is None and entry.organization_id == partner_org.id


def test_certification_issued_signal_for_incomplete_org_changes_nothing(
    partner_org, partner_user, content, make_certification, audit_actions
):
    make_certification(partner_user)
    certification_issued.send(
        None, organization_id=partner_org.id, user=partner_user, path_id="basics"
    )
    db.session.commit()
    assert partner_org.status == OrgStatus.ONBOARDING
    assert audit_actions(partner_org) == []


def test_checklist_loads_recorded_steps_in_one_query(
    app, partner_org, partner_user, staff_user, content
):
    acknowledge_step(partner_org, "accept-agreement", partner_user, content)
    mark_staff_step(partner_org, "kickoff-call", staff_user, content)
    db.session.commit()
    db.session.refresh(partner_org)  # loaded before counting: the caller already holds it
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        checklist_for(partner_org, content)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    progress_queries = [s for s in statements if "checklist_progress" in s]
    assert len(progress_queries) == 1
    # Recorded steps, then one each for the learning_path, kit_download and first_referral steps.
    assert len(statements) <= 4
