"""Directory profiles: a partner admin proposes a change, staff approve or reject it.

Nothing a partner types reaches the public page before staff approved it: `propose` stores
the whole profile as the partner wants it (replacing a change still waiting), `approve`
copies it onto the published profile and recomputes the organisation's listing figures,
`reject` keeps the published profile and records the reason the partner reads. Leaving the
directory (`withdraw`) needs nobody's approval and takes effect at once. Every function adds
to the session and never commits; each change is audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.db_types import utcnow
from portal.directory.listing import refresh_counts
from portal.directory.models import (
    SLUG_MAX,
    ChangeStatus,
    DirectoryProfile,
    DirectoryProfileChange,
    join_ids,
    split_ids,
)
from portal.directory.terms import term_names
from portal.extensions import db

# The published fields, in the order the diff shows them.
FIELDS = (
    "listed",
    "logo_key",
    "description",
    "website",
    "regions",
    "countries",
    "industries",
    "services",
    "languages",
)
LIST_FIELDS = ("regions", "countries", "industries", "services", "languages")
FIELD_LABELS = {
    "listed": "Listed in the directory",
    "logo_key": "Logo",
    "description": "Description",
    "website": "Website",
    "regions": "Regions served",
    "countries": "Countries served",
    "industries": "Industries",
    "services": "Services",
    "languages": "Languages",
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class ChangeRefused(Exception):
    """The change was decided already (or replaced); the message says so."""


@dataclass(frozen=True)
class FieldChange:
    """One field of the diff staff read: its label and both values as people read them."""

    field: str
    label: str
    before: str
    after: str


def slug_base(name: str) -> str:
    """The organisation's name as a URL word: `Acme Data GmbH` → `acme-data-gmbh`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")[: SLUG_MAX - 12] or "partner"


def profile_of(org_id: int) -> DirectoryProfile | None:
    """The organisation's profile row, or None before its first proposal."""
    return db.session.get(DirectoryProfile, org_id)


def ensure_profile(org: Organization) -> DirectoryProfile:
    """The organisation's profile, made (unlisted and empty) with a free slug when missing."""
    profile = profile_of(org.id)
    if profile is not None:
        return profile
    slug = slug_base(org.name)
    taken = db.session.scalar(sa.select(DirectoryProfile.slug).where(DirectoryProfile.slug == slug))
    profile = DirectoryProfile(
        organization_id=org.id,
        slug=f"{slug}-{org.id}" if taken else slug,
        listed=False,
        description="",
        website="",
        certified_by_path={},
    )
    db.session.add(profile)
    db.session.flush()
    return profile


def published_values(profile: DirectoryProfile | None) -> dict[str, Any]:
    """The published fields as a proposal stores them (lists as lists)."""
    if profile is None:
        return {"listed": False, "logo_key": None, "description": "", "website": ""} | {
            name: [] for name in LIST_FIELDS
        }
    values: dict[str, Any] = {name: getattr(profile, name) for name in FIELDS}
    for name in LIST_FIELDS:
        values[name] = split_ids(values[name])
    return values


def pending_change(org_id: int) -> DirectoryProfileChange | None:
    """The organisation's change waiting for staff, if any."""
    return db.session.scalar(
        sa.select(DirectoryProfileChange).where(
            DirectoryProfileChange.organization_id == org_id,
            DirectoryProfileChange.status == ChangeStatus.PENDING,
        )
    )


def last_decision(org_id: int) -> DirectoryProfileChange | None:
    """The organisation's most recently decided change (to show a rejection's reason)."""
    return db.session.scalar(
        sa.select(DirectoryProfileChange)
        .where(
            DirectoryProfileChange.organization_id == org_id,
            DirectoryProfileChange.status.in_((ChangeStatus.APPROVED, ChangeStatus.REJECTED)),
        )
        .order_by(DirectoryProfileChange.decided_at.desc(), DirectoryProfileChange.id.desc())
        .limit(1)
    )


def _lock_profile(org: Organization) -> DirectoryProfile:
    profile = ensure_profile(org)
    # One proposal or decision at a time per organisation (a no-op on SQLite, which
    # serialises writers anyway).
    db.session.execute(
        sa.select(DirectoryProfile.organization_id)
        .where(DirectoryProfile.organization_id == org.id)
        .with_for_update()
    )
    return profile


def propose(org: Organization, user: User, values: dict[str, Any]) -> DirectoryProfileChange:
    """Send the profile as `values` (every field of FIELDS) to staff; replaces a waiting one."""
    _lock_profile(org)
    waiting = pending_change(org.id)
    if waiting is not None:
        waiting.status = ChangeStatus.SUPERSEDED
        db.session.flush()  # the one-pending index must see it gone before the new row
    change = DirectoryProfileChange(
        organization_id=org.id,
        proposed={name: values[name] for name in FIELDS},
        status=ChangeStatus.PENDING,
        submitted_by_id=user.id,
        submitted_at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    record_audit(user, "directory.change_proposed", "directory_change", change.id, org.id)
    return change


def lock_change(change_id: int) -> DirectoryProfileChange | None:
    """The change, its row locked for a decision; None when there is no such change."""
    return db.session.scalar(
        sa.select(DirectoryProfileChange)
        .where(DirectoryProfileChange.id == change_id)
        .with_for_update()
    )


def _decide(change: DirectoryProfileChange, staff: User, status: str, reason: str) -> None:
    if change.status != ChangeStatus.PENDING:
        raise ChangeRefused("This change was already decided or replaced by a newer one.")
    change.status = status
    change.decided_by_id = staff.id
    change.decided_at = utcnow()
    change.reason = reason


def approve(change: DirectoryProfileChange, staff: User, program: Program) -> DirectoryProfile:
    """Publish the change: the public profile shows it from now on."""
    _decide(change, staff, ChangeStatus.APPROVED, "")
    profile = ensure_profile(change.organization)
    before = published_values(profile)
    for name in FIELDS:
        value = change.proposed.get(name, before[name])
        setattr(profile, name, join_ids(value) if name in LIST_FIELDS else value)
    profile.published_at = utcnow()
    db.session.flush()
    refresh_counts([change.organization_id], program)
    record_audit(
        staff,
        "directory.change_approved",
        "directory_change",
        change.id,
        change.organization_id,
        before={"listed": before["listed"]},
        after={"listed": profile.listed},
    )
    return profile


def reject(change: DirectoryProfileChange, staff: User, reason: str) -> None:
    """Turn the change down with a reason the partner admins read; nothing is published."""
    _decide(change, staff, ChangeStatus.REJECTED, reason)
    record_audit(
        staff,
        "directory.change_rejected",
        "directory_change",
        change.id,
        change.organization_id,
        after={"reason": reason},
    )


def withdraw(org: Organization, user: User) -> bool:
    """Take the organisation out of the public directory at once, and out of a change still
    waiting for staff (approving a change sent earlier must not list it again against its
    latest choice); False when it was neither listed nor asking to be."""
    profile = _lock_profile(org)
    change = pending_change(org.id)
    asking = change is not None and bool(change.proposed.get("listed"))
    if not profile.listed and not asking:
        return False
    if change is not None and asking:
        change.proposed = {**change.proposed, "listed": False}
    was_listed = profile.listed
    profile.listed = False
    record_audit(
        user,
        "directory.withdrawn",
        "organization",
        org.id,
        org.id,
        before={"listed": was_listed},
        after={"listed": False},
    )
    return True


def diff(
    profile: DirectoryProfile | None, change: DirectoryProfileChange, program: Program
) -> list[FieldChange]:
    """The fields the change alters, each before and after in words."""
    before = published_values(profile)
    result = []
    for name in FIELDS:
        old, new = before[name], change.proposed.get(name, before[name])
        if old != new:
            result.append(
                FieldChange(
                    name,
                    FIELD_LABELS[name],
                    describe(name, old, program),
                    describe(name, new, program),
                )
            )
    return result


def describe(name: str, value: Any, program: Program) -> str:
    """A field's value as a reader names it (taxonomy ids become their names)."""
    if name == "listed":
        return "Yes" if value else "No"
    if name == "logo_key":
        return "A logo" if value else "No logo"
    if name in LIST_FIELDS:
        names = term_names(program)[name]
        return ", ".join(names.get(item, item) for item in value) or "—"
    return str(value or "—")
