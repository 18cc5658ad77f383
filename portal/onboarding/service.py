"""Onboarding rules: an organisation's checklist state, ticking steps, and activation.

Pure functions over the database session and the content index (no request, no commit):
the view that calls them commits once, so audit rows share the transaction with their cause.

`checklist_for` is also what the partner home and the staff organisation page use for
progress (`required_done`, `required_total`, `percent`, `next_step`, `complete`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.api import TransitionRefused, activate_organization, awaiting_activation
from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.compliance.api import org_accepted_agreement, org_documents_current
from portal.content.model import Checklist, ContentIndex, Step
from portal.content_runtime import current_content
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.kits.api import org_has_kit_download
from portal.learning.api import org_has_valid_certification
from portal.onboarding.models import ChecklistProgress
from portal.referrals.api import org_has_referral

# Kinds whose completion is a ChecklistProgress row; the other kinds are computed.
RECORDED_KINDS = frozenset({"acknowledge", "staff"})


class StepError(Exception):
    """A step cannot be changed as asked; nothing was written."""


class UnknownStepError(StepError):
    """The step id is not in the organisation's checklist."""


class StepKindError(StepError):
    """The step exists but is not of the kind this action may change."""


@dataclass(frozen=True)
class StepRecord:
    """A recorded completion of an `acknowledge` or `staff` step."""

    step_id: str
    completed_at: datetime
    completed_by: str | None  # the person's name (or e-mail) when known


@dataclass(frozen=True)
class StepState:
    """One step of the checklist as it stands for an organisation."""

    step: Step
    done: bool
    done_at: datetime | None = None
    done_by: str | None = None
    partner_can_act: bool = False  # an undone `acknowledge` step the partner may tick


@dataclass(frozen=True)
class ChecklistState:
    """An organisation's checklist with each step's state and the counts shown as progress.

    `percent` is over the required steps (what activation depends on); 100 when there are none.
    `next_step` is the first undone required step, else the first undone optional step.
    """

    checklist: Checklist | None
    steps: tuple[StepState, ...]
    required_done: int
    required_total: int
    done_count: int
    total: int
    percent: int
    next_step: StepState | None
    complete: bool

    def step_state(self, step_id: str) -> StepState | None:
        """The state of one step, or None when it is not in this checklist."""
        return next((s for s in self.steps if s.step.id == step_id), None)


StepResolver = Callable[[Organization, Step, Mapping[str, StepRecord]], bool]


def resolve_acknowledge(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> bool:
    """Done when a member of the organisation confirmed the step."""
    return step.id in records


def resolve_staff(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> bool:
    """Done when a member of the partner team marked the step."""
    return step.id in records


def resolve_learning_path(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> bool:
    """Done when someone in the organisation holds a valid certificate for the step's path."""
    return step.path is not None and org_has_valid_certification(org.id, step.path)


def resolve_kit_download(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> bool:
    """Done once anyone in the organisation has downloaded a kit file."""
    return org_has_kit_download(org.id)


def resolve_agreement(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> bool:
    """Done when a partner admin accepted the version of the partner agreement binding today."""
    return org_accepted_agreement(org.id, current_content().program.agreement, utcnow().date())


def resolve_compliance_documents(
    org: Organization, step: Step, records: Mapping[str, StepRecord]
) -> bool:
    """Done while every compliance document the partner type must keep is approved and
    unexpired (the partner team approves them)."""
    return org_documents_current(org, current_content().program.compliance, utcnow().date())


def resolve_first_referral(
    org: Organization, step: Step, records: Mapping[str, StepRecord]
) -> bool:
    """Done once anyone in the organisation has submitted a referral."""
    return org_has_referral(org.id)


STEP_RESOLVERS: dict[str, StepResolver] = {
    "acknowledge": resolve_acknowledge,
    "agreement": resolve_agreement,
    "compliance_documents": resolve_compliance_documents,
    "staff": resolve_staff,
    "learning_path": resolve_learning_path,
    "kit_download": resolve_kit_download,
    "first_referral": resolve_first_referral,
}


def checklist_of(org: Organization, content: ContentIndex) -> Checklist | None:
    """The checklist for the organisation's partner type, or None when content has none."""
    return content.checklists.get(org.partner_type)


def step_records(org: Organization) -> dict[str, StepRecord]:
    """Every recorded step completion of the organisation, by step id (one query)."""
    rows = db.session.execute(
        sa.select(ChecklistProgress, User.display_name)
        .outerjoin(User, User.id == ChecklistProgress.completed_by_id)
        .where(ChecklistProgress.organization_id == org.id)
    ).all()
    return {
        progress.step_id: StepRecord(
            step_id=progress.step_id,
            completed_at=progress.completed_at,
            completed_by=done_by,
        )
        for progress, done_by in rows
    }


def checklist_for(org: Organization, content: ContentIndex) -> ChecklistState:
    """The organisation's checklist for its partner type, each step resolved, with counts."""
    checklist = checklist_of(org, content)
    if checklist is None:
        return ChecklistState(None, (), 0, 0, 0, 0, 0, None, False)
    records = step_records(org)
    states = tuple(_step_state(org, step, records) for step in checklist.steps)
    required = [s for s in states if s.step.required]
    required_done = sum(1 for s in required if s.done)
    undone = [s for s in states if not s.done]
    next_step = next((s for s in undone if s.step.required), None) or next(iter(undone), None)
    return ChecklistState(
        checklist=checklist,
        steps=states,
        required_done=required_done,
        required_total=len(required),
        done_count=sum(1 for s in states if s.done),
        total=len(states),
        percent=100 * required_done // len(required) if required else 100,
        next_step=next_step,
        complete=required_done == len(required),
    )


def _step_state(org: Organization, step: Step, records: Mapping[str, StepRecord]) -> StepState:
    resolver = STEP_RESOLVERS.get(step.kind)
    done = bool(resolver and resolver(org, step, records))
    record = records.get(step.id) if step.kind in RECORDED_KINDS and done else None
    return StepState(
        step=step,
        done=done,
        done_at=record.completed_at if record else None,
        done_by=record.completed_by if record else None,
        partner_can_act=step.kind == "acknowledge" and not done,
    )


def _require_step(org: Organization, step_id: str, kind: str, content: ContentIndex) -> Step:
    checklist = checklist_of(org, content)
    step = checklist.step(step_id) if checklist else None
    if step is None:
        raise UnknownStepError(f"There is no step {step_id!r} in this organisation's checklist.")
    if step.kind != kind:
        raise StepKindError(
            f"The step {step.title!r} cannot be changed this way "
            f"(its kind is {step.kind}, not {kind})."
        )
    return step


def _record_progress(org: Organization, step_id: str, user: User) -> bool:
    """Insert the progress row unless it exists; True if this call inserted it.

    Decided by the database (INSERT ... ON CONFLICT DO NOTHING on the unique constraint), so
    two simultaneous posts of the same step record it once and neither fails.
    """
    inserted_id = db.session.scalar(
        insert_for_dialect(ChecklistProgress)
        .values(
            organization_id=org.id, step_id=step_id, completed_by_id=user.id, completed_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "step_id"])
        .returning(ChecklistProgress.id)
    )
    return inserted_id is not None


def _progress_row(org: Organization, step_id: str) -> ChecklistProgress | None:
    return db.session.scalar(
        sa.select(ChecklistProgress).where(
            ChecklistProgress.organization_id == org.id, ChecklistProgress.step_id == step_id
        )
    )


def acknowledge_step(
    org: Organization, step_id: str, user: User, content: ContentIndex
) -> ChecklistState:
    """Record that the partner confirmed an `acknowledge` step (idempotent); maybe activate.

    Raises UnknownStepError or StepKindError, having changed nothing. Returns the new state.
    """
    step = _require_step(org, step_id, "acknowledge", content)
    if _record_progress(org, step.id, user):
        record_audit(
            user,
            "onboarding.step_acknowledged",
            "organization",
            org.id,
            organization_id=org.id,
            after={"step_id": step.id},
        )
    return _refresh(org, user, content)


def mark_staff_step(
    org: Organization, step_id: str, actor: User, content: ContentIndex, done: bool = True
) -> ChecklistState:
    """Mark (or, with done=False, un-mark) a `staff` step for the organisation; maybe activate.

    Un-marking never deactivates an active organisation: activation is a recorded event.
    Raises UnknownStepError or StepKindError, having changed nothing. Returns the new state.
    """
    step = _require_step(org, step_id, "staff", content)
    row = _progress_row(org, step.id)
    if done and row is None and _record_progress(org, step.id, actor):
        action = "onboarding.step_marked"
    elif not done and row is not None:
        db.session.delete(row)
        action = "onboarding.step_unmarked"
    else:
        return _refresh(org, actor, content)
    record_audit(
        actor, action, "organization", org.id, organization_id=org.id, after={"step_id": step.id}
    )
    return _refresh(org, actor, content)


def refresh_activation(org: Organization, actor: User | None, content: ContentIndex) -> bool:
    """Activate the organisation when every required step is done; True if it happened now.

    Only `invited` and `onboarding` organisations are activated (never a suspended one).
    `actor` is None when the system acts, e.g. after a certificate was issued.
    """
    checklist = checklist_of(org, content)
    if checklist is None:
        return False
    return _activate_when(org, actor, lambda: _required_steps_done(org, checklist))


def _required_steps_done(org: Organization, checklist: Checklist) -> bool:
    """Every required step done; stops at the first that is not (each resolver may query)."""
    records = step_records(org)
    for step in checklist.steps:
        resolver = STEP_RESOLVERS.get(step.kind)
        if step.required and not (resolver and resolver(org, step, records)):
            return False
    return True


def _refresh(org: Organization, actor: User | None, content: ContentIndex) -> ChecklistState:
    states: list[ChecklistState] = []

    def complete() -> bool:
        states.append(checklist_for(org, content))
        return states[-1].checklist is not None and states[-1].complete

    _activate_when(org, actor, complete)
    return states[-1] if states else checklist_for(org, content)


def _activate_when(org: Organization, actor: User | None, ready: Callable[[], bool]) -> bool:
    """Activate the organisation if `ready()` says its checklist is complete.

    The lifecycle locks the organisation's row before asking `ready`: two partners completing
    the last two steps at once are serialised, the second reads the checklist with both steps
    done, so activation is never missed. An organisation suspended meanwhile stays suspended.
    """
    if not awaiting_activation(org):
        return False
    try:
        return activate_organization(org, actor, ready=ready)
    except TransitionRefused:
        return False
