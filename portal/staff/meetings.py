"""Meetings with a partner organisation: logged by the partner team, counted on /insights.

Functions add to the session and never commit; the view commits once per request.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.staff.models import MEETING_KIND_NAMES, Meeting

__all__ = [
    "MEETINGS_SHOWN",
    "NOTE_MAX",
    "OLDEST_MEETING",
    "MeetingRefused",
    "log_meeting",
    "recent_meetings",
]

NOTE_MAX = 2000
MEETINGS_SHOWN = 10
# A meeting is logged after it happened, and not years later.
OLDEST_MEETING = timedelta(days=730)


class MeetingRefused(ValueError):
    """A meeting the rules do not take; the message is shown beside the form."""


def log_meeting(
    actor: User, org: Organization, held_on: date, kind: str, note: str = ""
) -> Meeting:
    """Record a meeting held with the organisation, with an audit entry; no commit."""
    if kind not in MEETING_KIND_NAMES:
        raise MeetingRefused("Choose what kind of meeting it was.")
    today = utcnow().date()
    if held_on > today:
        raise MeetingRefused("Log a meeting once it has taken place (the date is in the future).")
    if held_on < today - OLDEST_MEETING:
        raise MeetingRefused("That date is more than two years ago.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise MeetingRefused(f"Keep the note to {NOTE_MAX} characters.")
    meeting = Meeting(
        organization_id=org.id, held_on=held_on, kind=kind, note=note, recorded_by_id=actor.id
    )
    db.session.add(meeting)
    db.session.flush()
    record_audit(
        actor,
        "meeting.logged",
        "meeting",
        meeting.id,
        organization_id=org.id,
        after={"held_on": held_on, "kind": kind, "note": note},
    )
    return meeting


def recent_meetings(org_id: int, limit: int = MEETINGS_SHOWN) -> list[Meeting]:
    """The organisation's latest meetings, newest first, with who logged them."""
    stmt = (
        sa.select(Meeting)
        .where(Meeting.organization_id == org_id)
        .options(sa.orm.joinedload(Meeting.recorded_by))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
