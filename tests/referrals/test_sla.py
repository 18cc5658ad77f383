"""SLA clocks: due times in UTC across time zones and DST changes, states and their words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.content import load_content
from portal.content.model import Program
from portal.referrals.sla import (
    SlaClock,
    clock,
    describe,
    first_response_due,
    local_due_text,
    stale_due,
)

FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def program() -> Program:
    """The fixture program: a 48-hour first response, stale after 14 days."""
    loaded = load_content(FIXTURE_CONTENT).program
    assert (loaded.first_response_hours, loaded.stale_after_days) == (48, 14)
    return loaded


# --- due times ---------------------------------------------------------------------------------


def test_first_response_due_is_48_hours_later_in_utc(program: Program) -> None:
    submitted = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
    due = first_response_due(submitted, program)
    assert due == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert local_due_text(due, "Europe/Berlin") == "Tue 24 Nov 2026, 09:30 CET"


def test_berlin_saturday_night_before_the_autumn_dst_change(program: Program) -> None:
    """Sat 24 Oct 2026 23:30 CEST; clocks go back 03:00 → 02:00 on Sun 25 Oct."""
    local = datetime(2026, 10, 24, 23, 30, tzinfo=BERLIN)
    stored = local.astimezone(UTC)
    assert stored == datetime(2026, 10, 24, 21, 30, tzinfo=UTC)

    due = first_response_due(stored, program)
    assert due == datetime(2026, 10, 26, 21, 30, tzinfo=UTC)
    assert due - stored == timedelta(hours=48)
    # Passing the local time gives the same instant: arithmetic happens in UTC.
    assert first_response_due(local, program) == due
    # Adding 48 h to the local wall clock would be 49 real hours: the trap we avoid.
    assert (local + timedelta(hours=48)).astimezone(UTC) - stored == timedelta(hours=49)
    # The partner in Berlin reads a wall time 47 hours after they submitted.
    assert local_due_text(stored, "Europe/Berlin") == "Sat 24 Oct 2026, 23:30 CEST"
    assert local_due_text(due, "Europe/Berlin") == "Mon 26 Oct 2026, 22:30 CET"
    assert local_due_text(due, "UTC") == "Mon 26 Oct 2026, 21:30 UTC"


def test_new_york_submission_before_the_spring_dst_change(program: Program) -> None:
    """Sat 7 Mar 2026 10:00 EST; clocks go forward 02:00 → 03:00 on Sun 8 Mar."""
    local = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)
    stored = local.astimezone(UTC)
    assert stored == datetime(2026, 3, 7, 15, 0, tzinfo=UTC)

    due = first_response_due(stored, program)
    assert due == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert due - stored == timedelta(hours=48)
    assert first_response_due(local, program) == due
    # Wall clock in New York moves 49 hours; the SLA is still 48 real hours.
    assert local_due_text(due, "America/New_York") == "Mon 9 Mar 2026, 11:00 EDT"
    # Europe changes clocks three weeks later, so Berlin still shows CET.
    assert local_due_text(due, "Europe/Berlin") == "Mon 9 Mar 2026, 16:00 CET"


def test_the_repeated_hour_names_two_instants(program: Program) -> None:
    """02:30 happens twice in Berlin on 25 Oct 2026; fold picks which, UTC keeps them apart."""
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0)  # CEST, 00:30 UTC
    second = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)  # CET, 01:30 UTC
    assert first_response_due(first, program) == datetime(2026, 10, 27, 0, 30, tzinfo=UTC)
    assert first_response_due(second, program) == datetime(2026, 10, 27, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz_name", "text"),
    [
        ("UTC", "Mon 26 Oct 2026, 21:30 UTC"),
        ("Europe/Berlin", "Mon 26 Oct 2026, 22:30 CET"),
        ("Europe/London", "Mon 26 Oct 2026, 21:30 GMT"),
        ("America/New_York", "Mon 26 Oct 2026, 17:30 EDT"),  # US changes a week later
        ("America/Los_Angeles", "Mon 26 Oct 2026, 14:30 PDT"),
        ("Asia/Tokyo", "Tue 27 Oct 2026, 06:30 JST"),
        ("Asia/Kolkata", "Tue 27 Oct 2026, 03:00 IST"),
        ("Australia/Sydney", "Tue 27 Oct 2026, 08:30 AEDT"),
        (" Europe/Berlin ", "Mon 26 Oct 2026, 22:30 CET"),
    ],
)
def test_one_stored_instant_in_many_local_clocks(tz_name: str, text: str) -> None:
    assert local_due_text(datetime(2026, 10, 26, 21, 30, tzinfo=UTC), tz_name) == text


@pytest.mark.parametrize("tz_name", ["", "Mars/Olympus", "Europe", "../etc/passwd", "CET+1"])
def test_local_due_text_refuses_unknown_zones(tz_name: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_due_text(datetime(2026, 10, 26, 21, 30, tzinfo=UTC), tz_name)


def test_stale_due_is_exactly_n_days_of_real_time(program: Program) -> None:
    last_update = datetime(2026, 10, 18, 12, 0, tzinfo=UTC)  # 14:00 CEST in Berlin
    due = stale_due(last_update, program)
    assert due == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert due - last_update == timedelta(hours=14 * 24)
    assert local_due_text(due, "Europe/Berlin") == "Sun 1 Nov 2026, 13:00 CET"


def test_due_times_follow_the_program(program: Program) -> None:
    quick = replace(program, first_response_hours=4, stale_after_days=3)
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert first_response_due(start, quick) == datetime(2026, 5, 1, 13, 0, tzinfo=UTC)
    assert stale_due(start, quick) == datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


# --- naive datetimes are refused -----------------------------------------------------------------

NAIVE = datetime(2026, 10, 24, 23, 30)  # no tzinfo: which instant is it?
AWARE = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused_everywhere(program: Program) -> None:
    with pytest.raises(ValueError, match="submitted_at is a naive datetime"):
        first_response_due(NAIVE, program)
    with pytest.raises(ValueError, match="last_partner_visible_update_at is a naive"):
        stale_due(NAIVE, program)
    with pytest.raises(ValueError, match="due_at is a naive"):
        clock(NAIVE, AWARE)
    with pytest.raises(ValueError, match="now is a naive"):
        clock(AWARE, NAIVE)
    with pytest.raises(ValueError, match="naive"):
        local_due_text(NAIVE, "Europe/Berlin")


def test_dates_and_text_are_not_datetimes(program: Program) -> None:
    with pytest.raises(TypeError):
        first_response_due(date(2026, 10, 24), program)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        stale_due("2026-10-24T21:30:00Z", program)  # type: ignore[arg-type]


# --- clock states ---------------------------------------------------------------------------------

DUE = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before_due", "state"),
    [
        (timedelta(days=2), "on_track"),
        (timedelta(hours=4, seconds=1), "on_track"),
        (timedelta(hours=4), "due_soon"),  # the window includes its edge
        (timedelta(minutes=45), "due_soon"),
        (timedelta(0), "due_soon"),  # due at this very moment, not yet late
        (-timedelta(seconds=1), "overdue"),
        (-timedelta(days=3), "overdue"),
    ],
)
def test_clock_states(before_due: timedelta, state: str) -> None:
    result = clock(DUE, DUE - before_due)
    assert isinstance(result, SlaClock)
    assert result.state == state
    assert result.remaining == before_due
    assert result.due_at == DUE


def test_clock_due_soon_window_is_configurable() -> None:
    now = DUE - timedelta(hours=20)
    assert clock(DUE, now).state == "on_track"
    assert clock(DUE, now, due_soon_within=timedelta(days=1)).state == "due_soon"
    assert clock(DUE, now, due_soon_within=timedelta(0)).state == "on_track"
    with pytest.raises(ValueError, match="due_soon_within"):
        clock(DUE, now, due_soon_within=timedelta(hours=-1))


def test_clock_compares_instants_not_wall_clocks() -> None:
    now_in_berlin = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)  # 08:00 UTC
    result = clock(DUE, now_in_berlin)
    assert result.remaining == timedelta(minutes=30)
    assert result.state == "due_soon"
    due_in_new_york = DUE.astimezone(NEW_YORK)
    converted = clock(due_in_new_york, now_in_berlin)
    assert converted == result
    assert converted.due_at.tzinfo is UTC


def test_clock_across_the_dst_night(program: Program) -> None:
    """Submitted Sat 23:30 Berlin; Mon 22:00 Berlin (CET) is 30 min before the 48 h are up."""
    due = first_response_due(datetime(2026, 10, 24, 23, 30, tzinfo=BERLIN), program)
    result = clock(due, datetime(2026, 10, 26, 22, 0, tzinfo=BERLIN))
    assert (result.state, describe(result)) == ("due_soon", "due in 30 min")
    late = clock(due, datetime(2026, 10, 26, 23, 31, tzinfo=BERLIN))
    assert (late.state, describe(late)) == ("overdue", "overdue by 1 h 1 min")


# --- describe() -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining", "text"),
    [
        (timedelta(hours=3, minutes=20), "due in 3 h 20 min"),
        (timedelta(hours=3, minutes=20, seconds=59), "due in 3 h 20 min"),
        (timedelta(minutes=45), "due in 45 min"),
        (timedelta(hours=2), "due in 2 h"),
        (timedelta(days=1), "due in 1 d"),
        (timedelta(days=1, minutes=5), "due in 1 d"),
        (timedelta(days=1, hours=23, minutes=59), "due in 1 d 23 h"),
        (timedelta(days=14), "due in 14 d"),
        (timedelta(seconds=30), "due in less than 1 min"),
        (timedelta(0), "due now"),
        (-timedelta(seconds=1), "overdue by less than 1 min"),
        (-timedelta(minutes=1), "overdue by 1 min"),
        (-timedelta(hours=1), "overdue by 1 h"),
        (-timedelta(days=2, hours=4), "overdue by 2 d 4 h"),
        (-timedelta(days=2, hours=4, minutes=30), "overdue by 2 d 4 h"),
        (-timedelta(days=40), "overdue by 40 d"),
    ],
)
def test_describe_in_plain_words(remaining: timedelta, text: str) -> None:
    assert describe(clock(DUE, DUE - remaining)) == text
