"""Business-hours arithmetic: adding N working hours to an instant and measuring working time,
across weekends, holidays, DST changes and long spans, and never without end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.content.business_time import (
    HORIZON_DAYS,
    add_business_hours,
    business_time_between,
    in_working_time,
)
from portal.content.model_calendar import BusinessHours

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = frozenset(range(5))
CALENDAR = BusinessHours(
    timezone="Europe/London",
    days=WEEKDAYS,
    opens=time(9, 0),
    closes=time(17, 30),
    holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)}),
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


# --- adding business hours ---------------------------------------------------------------------


def test_inside_working_hours_the_hours_are_added_the_same_day() -> None:
    assert add_business_hours(london(2026, 11, 24, 10, 0), 4, CALENDAR) == london(2026, 11, 24, 14)


def test_hours_that_run_past_closing_continue_at_the_next_opening() -> None:
    """Tue 16:00 + 8 h: 1.5 h on Tuesday, 6.5 h on Wednesday from 09:00."""
    due = add_business_hours(london(2026, 11, 24, 16, 0), 8, CALENDAR)
    assert due == london(2026, 11, 25, 15, 30)


def test_a_start_before_opening_counts_from_the_opening() -> None:
    assert add_business_hours(london(2026, 11, 24, 6, 45), 2, CALENDAR) == london(2026, 11, 24, 11)


def test_a_start_after_closing_counts_from_the_next_morning() -> None:
    assert add_business_hours(london(2026, 11, 24, 20, 0), 2, CALENDAR) == london(2026, 11, 25, 11)


def test_a_weekend_start_counts_from_monday() -> None:
    saturday = london(2026, 11, 28, 12, 0)
    assert add_business_hours(saturday, 1, CALENDAR) == london(2026, 11, 30, 10, 0)


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    """Fri 15:00 + 8 h: 2.5 h on Friday, 5.5 h on Monday."""
    assert add_business_hours(london(2026, 11, 27, 15, 0), 8, CALENDAR) == london(
        2026, 11, 30, 14, 30
    )


def test_hours_that_end_at_closing_are_due_at_closing_not_next_morning() -> None:
    assert add_business_hours(london(2026, 11, 27, 9, 0), 8.5, CALENDAR) == london(
        2026, 11, 27, 17, 30
    )


def test_holidays_are_skipped() -> None:
    """Thu 24 Dec 16:30 + 16 h: 1 h on the 24th; 25th holiday, weekend, 28th holiday;
    8.5 h on the 29th; 6.5 h on the 30th."""
    due = add_business_hours(london(2026, 12, 24, 16, 30), 16, CALENDAR)
    assert due == london(2026, 12, 30, 15, 30)


def test_zero_hours_inside_working_time_is_the_start_itself() -> None:
    start = london(2026, 11, 24, 10, 17)
    assert add_business_hours(start, 0, CALENDAR) == start


def test_zero_hours_outside_working_time_is_the_next_opening() -> None:
    assert add_business_hours(london(2026, 11, 28, 3, 0), 0, CALENDAR) == london(2026, 11, 30, 9)


def test_without_a_calendar_hours_are_elapsed_time() -> None:
    start = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)
    assert add_business_hours(start, 48, None) == start + timedelta(hours=48)
    assert business_time_between(start, start + timedelta(hours=5), None) == timedelta(hours=5)


def test_a_local_start_names_the_same_instant() -> None:
    local = datetime(2026, 11, 24, 16, 0, tzinfo=LONDON)
    assert add_business_hours(local, 8, CALENDAR) == add_business_hours(
        local.astimezone(UTC), 8, CALENDAR
    )
    assert add_business_hours(local, 8, CALENDAR).tzinfo is UTC


# --- DST ---------------------------------------------------------------------------------------


def test_the_spring_change_moves_opening_an_hour_earlier_in_utc() -> None:
    """London goes to BST on Sun 29 Mar 2026: Friday's 09:00 is 09:00 UTC, Monday's 08:00 UTC."""
    due = add_business_hours(datetime(2026, 3, 27, 16, 30, tzinfo=UTC), 2, CALENDAR)
    assert due == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # 1 h Friday, 1 h from 08:00 UTC
    assert due.astimezone(LONDON).hour == 10


def test_the_autumn_change_moves_opening_an_hour_later_in_utc() -> None:
    """Back to GMT on Sun 25 Oct 2026: Friday's 09:00 is 08:00 UTC, Monday's 09:00 UTC."""
    due = add_business_hours(datetime(2026, 10, 23, 15, 30, tzinfo=UTC), 2, CALENDAR)
    assert due == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).hour == 10


def test_a_working_day_that_spans_the_change_counts_its_real_hours() -> None:
    """A team that works Sundays 00:00-23:59 in New York: on Sun 8 Mar 2026
    the clocks skip 02:00-03:00, so that day holds 22 h 59 min of real time."""
    sunday = BusinessHours("America/New_York", frozenset({6}), time(0, 0), time(23, 59))
    start = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK).astimezone(UTC)
    end = datetime(2026, 3, 8, 23, 59, tzinfo=NEW_YORK).astimezone(UTC)
    assert end - start == timedelta(hours=22, minutes=59)
    assert business_time_between(start, end, sunday) == timedelta(hours=22, minutes=59)
    assert add_business_hours(start, 23, sunday) == datetime(
        2026, 3, 15, 0, 1, tzinfo=NEW_YORK
    ).astimezone(UTC)


# --- long spans and bounds ---------------------------------------------------------------------


def test_a_long_span_takes_one_step_per_day() -> None:
    """A quarter's worth of review hours lands about 120 calendar days on."""
    start = london(2026, 1, 5, 9, 0)
    due = add_business_hours(start, 2160 * 0.3, CALENDAR)  # 648 h: ~76 working days
    assert business_time_between(start, due, CALENDAR) == timedelta(hours=648)
    assert timedelta(days=100) < due - start < timedelta(days=120)


def test_a_calendar_without_working_days_is_refused_at_once() -> None:
    closed = BusinessHours("Europe/London", frozenset(), time(9), time(17))
    with pytest.raises(ValueError, match="no working days"):
        add_business_hours(london(2026, 1, 5, 9), 1, closed)


def test_a_calendar_too_thin_for_the_hours_stops_at_the_horizon() -> None:
    """One minute on Mondays cannot hold 48 hours within HORIZON_DAYS: an error, not a hang."""
    thin = BusinessHours("Europe/London", frozenset({0}), time(9, 0), time(9, 1))
    with pytest.raises(ValueError, match=f"{HORIZON_DAYS} days"):
        add_business_hours(london(2026, 1, 5, 9), 48, thin)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), 10**12])
def test_impossible_amounts_are_refused(hours: float) -> None:
    with pytest.raises(ValueError):
        add_business_hours(london(2026, 1, 5, 9), hours, CALENDAR)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_business_hours(datetime(2026, 1, 5, 9), 1, CALENDAR)
    with pytest.raises(ValueError, match="naive"):
        business_time_between(datetime(2026, 1, 5, 9), london(2026, 1, 6, 9), CALENDAR)


# --- measuring ---------------------------------------------------------------------------------


def test_working_time_between_skips_nights_weekends_and_holidays() -> None:
    asked = london(2026, 12, 24, 16, 0)  # Thu, 1.5 h before closing
    answered = london(2026, 12, 29, 10, 0)  # Tue after the two holidays and the weekend
    assert business_time_between(asked, answered, CALENDAR) == timedelta(hours=2, minutes=30)
    assert business_time_between(answered, asked, CALENDAR) == -timedelta(hours=2, minutes=30)


def test_nothing_counts_over_a_weekend() -> None:
    assert business_time_between(
        london(2026, 11, 27, 18), london(2026, 11, 30, 8), CALENDAR
    ) == timedelta(0)


def test_in_working_time_includes_the_closing_instant() -> None:
    assert in_working_time(london(2026, 11, 27, 17, 30), CALENDAR)
    assert in_working_time(london(2026, 11, 27, 9, 0), CALENDAR)
    assert not in_working_time(london(2026, 11, 27, 17, 31), CALENDAR)
    assert not in_working_time(london(2026, 12, 25, 12, 0), CALENDAR)
    assert in_working_time(london(2026, 12, 25, 12, 0), None)


# --- properties --------------------------------------------------------------------------------

ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC")


@st.composite
def calendars(draw: st.DrawFn) -> BusinessHours:
    opens = draw(st.integers(0, 22 * 60))
    closes = draw(st.integers(opens + 30, 23 * 60 + 59))
    start_year = 2025
    holidays = draw(
        st.frozensets(st.dates(date(start_year, 1, 1), date(start_year + 3, 12, 31)), max_size=20)
    )
    return BusinessHours(
        timezone=draw(st.sampled_from(ZONES)),
        days=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        opens=time(opens // 60, opens % 60),
        closes=time(closes // 60, closes % 60),
        holidays=holidays,
    )


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
# Within what the thinnest drawn calendar (30 min a week) holds inside HORIZON_DAYS.
amounts = st.integers(min_value=0, max_value=40 * 60).map(lambda minutes: minutes / 60)
halves = st.integers(min_value=0, max_value=20 * 60).map(lambda minutes: minutes / 60)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=instants, hours=amounts)
def test_the_due_time_is_inside_working_time_and_holds_exactly_the_hours(
    calendar: BusinessHours, start: datetime, hours: float
) -> None:
    due = add_business_hours(start, hours, calendar)
    assert due >= start
    assert in_working_time(due, calendar)
    assert abs(business_time_between(start, due, calendar) - timedelta(hours=hours)) < timedelta(
        microseconds=2
    )


@settings(max_examples=150, deadline=None)
@given(
    calendar=calendars(),
    first=instants,
    later_by=st.timedeltas(timedelta(0), timedelta(days=20)),
    hours=halves,
    more=halves,
)
def test_the_due_time_never_moves_back(
    calendar: BusinessHours, first: datetime, later_by: timedelta, hours: float, more: float
) -> None:
    """A later start or more hours never gives an earlier due time."""
    due = add_business_hours(first, hours, calendar)
    assert add_business_hours(first + later_by, hours, calendar) >= due
    assert add_business_hours(first, hours + more, calendar) >= due


@settings(max_examples=100, deadline=None)
@given(
    calendar=calendars(),
    start=instants,
    first=st.timedeltas(timedelta(0), timedelta(days=30)),
    second=st.timedeltas(timedelta(0), timedelta(days=30)),
)
def test_measured_time_adds_up_and_never_exceeds_elapsed_time(
    calendar: BusinessHours, start: datetime, first: timedelta, second: timedelta
) -> None:
    middle, end = start + first, start + first + second
    whole = business_time_between(start, end, calendar)
    assert whole == business_time_between(start, middle, calendar) + business_time_between(
        middle, end, calendar
    )
    assert timedelta(0) <= whole <= end - start
