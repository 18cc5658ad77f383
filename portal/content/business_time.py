"""Business-hours arithmetic on the program's calendar: pure functions, no Flask, no database.

Every SLA the partner team owes (a referral's first response, a question's first response, a
co-marketing review) is counted in the hours the team works, when program.yml sets
`business_hours`; without it they are plain elapsed hours, as before the calendar existed.

Instants go in and come out as aware UTC datetimes; the calendar's local time zone is used only
to find each day's opening and closing instants, so a DST change shortens or lengthens the
local night, never the working day. The walk is one step per calendar day (O(days), not
O(hours)) and bounded by HORIZON_DAYS: a calendar that never works raises, it never loops.
`flask content check` refuses calendars whose SLAs would not fit in a year of working time.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from portal.content.model_calendar import BusinessHours

# Longer than any SLA a checked program can hold (each fits in a year of working time).
HORIZON_DAYS = 800
_ONE_DAY = timedelta(days=1)


def add_business_hours(start: datetime, hours: float, calendar: BusinessHours | None) -> datetime:
    """The instant `hours` of working time after `start` (UTC); elapsed time without a calendar.

    Time before opening, after closing, on closed days and holidays does not count; a start
    outside working time begins counting at the next opening. The result is always inside
    working time, and lands on a closing instant rather than the next opening when the hours
    run out exactly at the close ("due by 17:30 Friday"). ValueError for a naive start,
    negative or non-finite hours, or a calendar without working time within HORIZON_DAYS.
    """
    begin = _utc(start, "start")
    left = _amount(hours)
    if calendar is None:
        return begin + left
    if not calendar.days:
        raise ValueError("the business-hours calendar has no working days")
    # One day back: a closing instant pushed past midnight by a DST gap belongs to that day.
    day = _local_date(begin, calendar) - _ONE_DAY
    for _ in range(HORIZON_DAYS):
        window = calendar.window(day)
        if window is not None and window[1] >= begin:
            counting_from = max(window[0], begin)
            available = window[1] - counting_from
            if left <= available:
                return counting_from + left
            left -= available
        day = _next_day(day)
    raise ValueError(
        f"{hours} business hours do not fit in {HORIZON_DAYS} days of this calendar "
        f"({calendar.describe()})"
    )


def business_time_between(
    start: datetime, end: datetime, calendar: BusinessHours | None
) -> timedelta:
    """Working time from `start` to `end` (negative when `end` is earlier); elapsed time
    without a calendar. One step per calendar day between them."""
    begin, finish = _utc(start, "start"), _utc(end, "end")
    if finish < begin:
        return -business_time_between(finish, begin, calendar)
    if calendar is None:
        return finish - begin
    total = timedelta(0)
    day = _local_date(begin, calendar) - _ONE_DAY
    last = _local_date(finish, calendar)
    while day <= last:
        window = calendar.window(day)
        if window is not None:
            overlap = min(window[1], finish) - max(window[0], begin)
            if overlap > timedelta(0):
                total += overlap
        if day == last:
            break
        day = _next_day(day)
    return total


def in_working_time(moment: datetime, calendar: BusinessHours | None) -> bool:
    """True when `moment` is inside a working day (its closing instant included); always
    true without a calendar, where every hour counts."""
    instant = _utc(moment, "moment")
    if calendar is None:
        return True
    day = _local_date(instant, calendar)
    for candidate in (day - _ONE_DAY, day):
        window = calendar.window(candidate)
        if window is not None and window[0] <= instant <= window[1]:
            return True
    return False


def _utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime; pass an aware UTC time")
    return moment.astimezone(UTC)


def _amount(hours: float) -> timedelta:
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise TypeError(f"hours must be a number, not {type(hours).__name__}")
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a finite number of at least 0, not {hours}")
    try:
        return timedelta(hours=hours)
    except OverflowError:
        raise ValueError(f"{hours} hours is longer than any calendar") from None


def _local_date(instant: datetime, calendar: BusinessHours) -> date:
    return instant.astimezone(calendar.zone).date()


def _next_day(day: date) -> date:
    try:
        return day + _ONE_DAY
    except OverflowError:
        raise ValueError("the calendar ran past the last representable date") from None
