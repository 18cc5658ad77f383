"""An organisation's lifecycle: the one place its status and `activated_at` change.

    register_organization ──> invited ──start_onboarding──> onboarding
    invited or onboarding ──activate_organization──> active (activated_at recorded)
    invited, onboarding or active ──suspend_organization──> suspended (sessions ended)
    suspended ──reinstate_organization──> active if it was ever activated, else onboarding
                                          once someone accepted an invitation, else invited

Who calls what: staff create organisations (`register_organization`); the first accepted
invitation starts onboarding (accounts' `accept_invite`); onboarding activates the
organisation when its checklist is complete (`activate_organization` with `ready`); admins
suspend and reinstate. Other features reach these through `portal.accounts.api`.

Every transition locks the organisation's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
serialises writers itself) and re-reads its status before deciding, so two people acting at
once cannot both move it, nor move it out of a state it has already left. A transition
returns True when it changed the organisation and wrote the audit entry (whose time is the
time of the change; activation also records `activated_at`); False when the organisation is
already where the transition leads (a double click, or someone else was first); and raises
TransitionRefused, changing nothing, when the lifecycle does not allow the move (a suspended
organisation never starts onboarding nor becomes active). Functions add to the session and
never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from portal.accounts.authentication import end_organization_sessions
from portal.accounts.credentials import AccountError
from portal.accounts.models import Organization, OrgStatus, User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.outbound_events import publish_event

if TYPE_CHECKING:
    from portal.content.model import Program

__all__ = [
    "ACTIVATABLE",
    "TransitionRefused",
    "activate_organization",
    "awaiting_activation",
    "change_tier",
    "register_organization",
    "reinstate_organization",
    "reinstated_status",
    "start_onboarding",
    "suspend_organization",
]

# The states an organisation is activated from once its checklist is complete.
ACTIVATABLE = frozenset({OrgStatus.INVITED, OrgStatus.ONBOARDING})
_NOT_SUSPENDED = frozenset({OrgStatus.INVITED, OrgStatus.ONBOARDING, OrgStatus.ACTIVE})


class TransitionRefused(AccountError):
    """A lifecycle move the current status does not allow; the message is shown to the user."""


def organization_data(org: Organization) -> dict[str, object]:
    """The organisation as a webhook carries it (portal.outbound_events)."""
    activated = org.activated_at
    return {
        "id": org.id,
        "name": org.name,
        "partner_type": org.partner_type,
        "tier": org.tier,
        "status": str(org.status),
        "activated_at": activated.isoformat(timespec="seconds").replace("+00:00", "Z")
        if activated
        else None,
    }


def _refuse(org: Organization, wanted: str) -> TransitionRefused:
    return TransitionRefused(f"{org.name} is {org.status}, so it cannot {wanted}.")


def _lock(org: Organization) -> None:
    """Lock the organisation's row until the transaction ends and re-read its status.

    Another transaction's transition waits here until this one commits, then reads the status
    this one wrote (populate_existing replaces what the session had loaded before).
    """
    # The row must be fetched for the ORM to write what it read into `org`.
    db.session.scalars(
        sa.select(Organization)
        .where(Organization.id == org.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _record(
    actor: User | None, action: str, org: Organization, before: str, **after: object
) -> None:
    record_audit(
        actor,
        action,
        "organization",
        org.id,
        organization_id=org.id,
        before={"status": before},
        after={"status": str(org.status), **after},
    )


def register_organization(
    actor: User | None,
    *,
    name: str,
    partner_type: str,
    tier: str,
    website: str = "",
    region: str | None = None,
) -> Organization:
    """Create an organisation in the `invited` state (audited); the caller invites its people.

    The partner type, tier and region are checked against the program by the caller (content
    rules).
    """
    org = Organization(
        name=name.strip(),
        website=website.strip(),
        partner_type=partner_type,
        tier=tier,
        region=region or None,
        status=OrgStatus.INVITED.value,
    )
    db.session.add(org)
    db.session.flush()
    record_audit(
        actor,
        "organization.created",
        "organization",
        org.id,
        organization_id=org.id,
        after={
            "name": org.name,
            "website": org.website,
            "partner_type": org.partner_type,
            "tier": org.tier,
            "region": org.region,
            "status": org.status,
        },
    )
    return org


def start_onboarding(org: Organization, actor: User | None) -> bool:
    """invited → onboarding, when its first member joins; False once onboarding has started.

    Refused for a suspended organisation.
    """
    _lock(org)
    if org.status in (OrgStatus.ONBOARDING, OrgStatus.ACTIVE):
        return False
    if org.status != OrgStatus.INVITED:
        raise _refuse(org, "start onboarding")
    org.status = OrgStatus.ONBOARDING.value
    _record(actor, "organization.onboarding_started", org, OrgStatus.INVITED.value)
    return True


def awaiting_activation(org: Organization) -> bool:
    """Whether the organisation, as loaded, is in a state activation moves it from (no lock)."""
    return org.status in ACTIVATABLE


def activate_organization(
    org: Organization, actor: User | None, *, ready: Callable[[], bool] | None = None
) -> bool:
    """invited or onboarding → active, recording `activated_at`; False when already active.

    `ready`, when given, is asked after the row is locked and before anything changes: the
    organisation is activated only if it answers True (onboarding passes "every required step
    is done", so two people finishing the last two steps at once cannot both miss it).
    `actor` is None when the system acts, e.g. after a certificate was issued.
    Refused for a suspended organisation.
    """
    _lock(org)
    if org.status == OrgStatus.ACTIVE:
        return False
    if org.status not in ACTIVATABLE:
        raise _refuse(org, "be activated")
    if ready is not None and not ready():
        return False
    before = str(org.status)
    org.status = OrgStatus.ACTIVE.value
    org.activated_at = utcnow()
    _record(actor, "organization.activated", org, before, activated_at=org.activated_at)
    publish_event("organization.activated", {"organization": organization_data(org)})
    return True


def suspend_organization(org: Organization, actor: User) -> bool:
    """Suspend the organisation and sign all its people out; False when already suspended.

    Its people cannot sign in (`User.can_sign_in`) nor accept invitations until reinstated.
    """
    _lock(org)
    if org.status == OrgStatus.SUSPENDED:
        return False
    if org.status not in _NOT_SUSPENDED:
        raise _refuse(org, "be suspended")
    before = str(org.status)
    org.status = OrgStatus.SUSPENDED.value
    end_organization_sessions(org)
    _record(actor, "organization.suspended", org, before)
    return True


def reinstated_status(org: Organization) -> OrgStatus:
    """Where a reinstated organisation resumes: active if it ever activated, else onboarding
    once someone accepted an invitation, else still invited."""
    if org.activated_at is not None:
        return OrgStatus.ACTIVE
    has_members = db.session.scalar(sa.select(sa.exists().where(User.organization_id == org.id)))
    return OrgStatus.ONBOARDING if has_members else OrgStatus.INVITED


def reinstate_organization(org: Organization, actor: User) -> bool:
    """Lift a suspension (see `reinstated_status`); False when the organisation is not suspended."""
    _lock(org)
    if org.status in _NOT_SUSPENDED:
        return False
    if org.status != OrgStatus.SUSPENDED:
        raise _refuse(org, "be reinstated")
    org.status = reinstated_status(org).value
    _record(actor, "organization.reinstated", org, OrgStatus.SUSPENDED.value)
    return True


def change_tier(actor: User | None, org: Organization, tier: str, program: Program) -> bool:
    """Move the organisation to another tier of the program; False when it is already there.

    Staff change a tier by hand, the daily tier evaluation (portal/tiers) when a partner
    qualifies or its grace period ends; both come here, so every change is locked and audited
    the same way (actor None: the evaluation itself). Raises ValueError for a tier the program
    does not have.
    """
    if program.tier(tier) is None:
        raise ValueError(f"unknown tier {tier!r}")
    _lock(org)
    if org.tier == tier:
        return False
    before = {"tier": org.tier}
    org.tier = tier
    record_audit(
        actor,
        "organization.tier_changed",
        "organization",
        org.id,
        organization_id=org.id,
        before=before,
        after={"tier": tier},
    )
    publish_event(
        "tier.changed",
        {"organization": organization_data(org), "from_tier": before["tier"], "to_tier": tier},
    )
    return True


def change_region(
    actor: User | None, org: Organization, region: str | None, program: Program
) -> bool:
    """Set the organisation's region (None: no region); False when it is already that.

    Raises ValueError for a region the program does not list.
    """
    region = region or None
    if region is not None and region not in program.regions:
        raise ValueError(f"unknown region {region!r}")
    _lock(org)
    if org.region == region:
        return False
    before = {"region": org.region}
    org.region = region
    record_audit(
        actor,
        "organization.region_changed",
        "organization",
        org.id,
        organization_id=org.id,
        before=before,
        after={"region": region},
    )
    return True
