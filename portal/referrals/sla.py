"""A referral's SLA clocks as plain functions: due times, clock states and their words.

The clocks belong to the referral: submission sets the first-response due time
(service.py), every timeline event keeps `next_due_at` current (events.py), and the reminder
job reads them (reminders.py). The inbox and the partner's pages only show them.

Every instant is an aware datetime in UTC. The first response is due after
`sla.first_response_hours` of the partner team's working time when program.yml sets
`business_hours` (portal/content/business_time.py: opening hours in the calendar's zone,
holidays and weekends skipped), else after that many real hours, whatever a local clock did
across a DST change in between. Questions and co-marketing reviews run on the same calendar
through `add_sla_hours`. The stale clock stays in calendar days (see `stale_due`). Local time
zones appear only when a due time is shown to a person (`local_due_text`). No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.content.business_time import add_business_hours, business_time_between
from portal.content.model import Program

SlaState = Literal["on_track", "due_soon", "overdue"]
DUE_SOON_WITHIN = timedelta(hours=4)

# Fixed English names: strftime's %a / %b follow the process locale.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def as_utc(moment: datetime, name: str = "datetime") -> datetime:
    """The same instant in UTC; naive datetimes are refused (ValueError), they name no instant."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime; pass an aware UTC time (utcnow())")
    return moment.astimezone(UTC)


def add_sla_hours(start: datetime, hours: float, program: Program) -> datetime:
    """`start` + `hours` on the program's SLA clock: business hours on its calendar
    (program.yml `business_hours`), or elapsed hours when it has none."""
    # Counted in UTC: adding to a local-zone datetime would move the wall clock, not real time.
    return add_business_hours(as_utc(start, "start"), hours, program.business_hours)


def sla_time_between(start: datetime, end: datetime, program: Program) -> timedelta:
    """How much SLA time passed from `start` to `end`: business time on the program's
    calendar, elapsed time without one ("answered after 3 h 10 min of business hours")."""
    return business_time_between(as_utc(start, "start"), as_utc(end, "end"), program.business_hours)


def first_response_due(submitted_at: datetime, program: Program) -> datetime:
    """When the first partner-visible response to a referral is due: submission +
    `first_response_hours` on the program's SLA clock (`add_sla_hours`)."""
    start = as_utc(submitted_at, "submitted_at")
    return add_sla_hours(start, program.first_response_hours, program)


def stale_due(last_partner_visible_update_at: datetime, program: Program) -> datetime:
    """When an open referral turns stale: last partner-visible update + `stale_after_days`.

    Calendar days, not business days: partners are promised an update "every 14 days", and
    two weeks already hold the same number of working days whenever the clock starts.
    """
    start = as_utc(last_partner_visible_update_at, "last_partner_visible_update_at")
    return start + timedelta(days=program.stale_after_days)


@dataclass(frozen=True)
class SlaClock:
    """One SLA clock read at a moment: its due time (UTC), state and time left.

    `remaining` is negative once the clock is overdue.
    """

    due_at: datetime
    state: SlaState
    remaining: timedelta


def clock(
    due_at: datetime, now: datetime, due_soon_within: timedelta = DUE_SOON_WITHIN
) -> SlaClock:
    """Read an SLA clock at `now`: overdue after `due_at`, due soon within `due_soon_within`."""
    due = as_utc(due_at, "due_at")
    remaining = due - as_utc(now, "now")
    if due_soon_within < timedelta(0):
        raise ValueError("due_soon_within must not be negative")
    if remaining < timedelta(0):
        state: SlaState = "overdue"
    elif remaining <= due_soon_within:
        state = "due_soon"
    else:
        state = "on_track"
    return SlaClock(due_at=due, state=state, remaining=remaining)


def describe(sla_clock: SlaClock) -> str:
    """The clock in plain words: "due in 3 h 20 min", "overdue by 2 d 4 h", "due now"."""
    remaining = sla_clock.remaining
    if remaining == timedelta(0):
        return "due now"
    span = _span(abs(remaining))
    return f"overdue by {span}" if remaining < timedelta(0) else f"due in {span}"


def span_text(length: timedelta) -> str:
    """A length of time in its two largest units, seconds dropped: "2 d 4 h", "45 min"."""
    return _span(abs(length))


def _span(length: timedelta) -> str:
    """A positive length in its two largest units, seconds dropped: "2 d 4 h", "45 min"."""
    minutes = int(length.total_seconds()) // 60
    if minutes == 0:
        return "less than 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def local_due_text(due_at: datetime, tz_name: str) -> str:
    """The due time as a person in `tz_name` reads it: "Tue 24 Nov 2026, 09:30 CET".

    `tz_name` is an IANA zone such as "Europe/Berlin"; an unknown one is a ValueError.
    """
    local = as_utc(due_at, "due_at").astimezone(_zone(tz_name))
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local:%H:%M} {local.tzname()}"
    )


def due_text(due_at: datetime, program: Program) -> str:
    """The due time on the clock of the calendar it was counted on ("Tue 8 Dec 2026, 17:00
    GMT"): a business-hours due time reads as the closing hour it is; UTC without a calendar."""
    calendar = program.business_hours
    return local_due_text(due_at, calendar.timezone if calendar is not None else "UTC")


def _zone(tz_name: str) -> ZoneInfo:
    if not isinstance(tz_name, str) or not tz_name.strip():
        raise ValueError(f"time zone must be an IANA name such as Europe/Berlin, not {tz_name!r}")
    try:
        return ZoneInfo(tz_name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {tz_name!r}; use an IANA name such as Europe/Berlin"
        ) from None
