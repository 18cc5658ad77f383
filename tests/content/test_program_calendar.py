"""program.yml `business_hours`: the calendar read, absent means elapsed time, every mistake
named at its line, and a calendar with no (or too little) working time refused."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from portal.content import load_content
from portal.content.model_calendar import BusinessHours
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only

DEMO_CONTENT = Path(__file__).parent.parent.parent / "content"
CALENDAR = """\
business_hours:
  timezone: Europe/London
  days: [mon, tue, wed, thu, fri]
  opens: 09:00
  closes: 17:30
  holidays: [2026-12-25, 2026-12-28]
"""


def with_calendar(content: ContentCopy, calendar: str = CALENDAR) -> int:
    """Append `calendar` to the copy's program.yml; the line number of `business_hours:`."""
    text = content.read("program.yml")
    if not text.endswith("\n"):
        text += "\n"
    content.write("program.yml", text + calendar)
    return text.count("\n") + 1


def test_the_calendar_is_read(content: ContentCopy) -> None:
    with_calendar(content)
    calendar = load_content(content.root).program.business_hours
    assert calendar == BusinessHours(
        timezone="Europe/London",
        days=frozenset({0, 1, 2, 3, 4}),
        opens=time(9, 0),
        closes=time(17, 30),
        holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}),
    )
    assert calendar.describe() == "Mon-Fri 09:00-17:30 Europe/London"


def test_without_the_section_slas_are_elapsed_hours() -> None:
    program = load_content(FIXTURE_CONTENT).program
    assert program.business_hours is None
    assert program.sla_hours_text(48) == "48 hours"


def test_the_demo_program_has_a_working_week() -> None:
    program = load_content(DEMO_CONTENT).program
    calendar = program.business_hours
    assert calendar is not None
    assert calendar.timezone == "Europe/London"
    assert calendar.days == frozenset(range(5))
    assert date(2026, 12, 25) in calendar.holidays
    assert program.sla_hours_text(program.first_response_hours) == "16 business hours"


def test_quoted_times_days_in_capitals_and_no_holidays_are_fine(content: ContentCopy) -> None:
    with_calendar(
        content,
        "business_hours:\n  timezone: Asia/Tokyo\n  days: [Mon, sat]\n"
        '  opens: "08:00"\n  closes: "12:00"\n',
    )
    calendar = load_content(content.root).program.business_hours
    assert calendar is not None
    assert calendar.days == frozenset({0, 5})
    assert calendar.holidays == frozenset()
    assert calendar.describe() == "Mon, Sat 08:00-12:00 Asia/Tokyo"


@pytest.mark.parametrize(
    ("old", "new", "offset", "words"),
    [
        ("timezone: Europe/London", "timezone: Europe/Lundon", 1, "IANA time zone"),
        ("timezone: Europe/London", "timezone: 5", 1, "must be text"),
        ("days: [mon, tue, wed, thu, fri]", "days: []", 2, "at least one working day"),
        ("days: [mon, tue, wed, thu, fri]", "days: [mon, funday]", 2, "one of mon"),
        ("days: [mon, tue, wed, thu, fri]", "days: [mon, mon]", 2, "duplicate day 'mon'"),
        ("days: [mon, tue, wed, thu, fri]", "days: mon", 2, "must be a list"),
        ("opens: 09:00", "opens: 9:00", 3, "HH:MM"),
        ("opens: 09:00", "opens: 25:00", 3, "HH:MM"),
        ("closes: 17:30", "closes: 08:00", 4, "later than 'opens' (09:00)"),
        ("closes: 17:30", "closes: 09:00", 4, "later than 'opens'"),
        (
            "holidays: [2026-12-25, 2026-12-28]",
            "holidays: [2026-12-25, 2026-13-01]",
            5,
            "YYYY-MM-DD",
        ),
        ("holidays: [2026-12-25, 2026-12-28]", "holidays: [20261225]", 5, "YYYY-MM-DD"),
        (
            "holidays: [2026-12-25, 2026-12-28]",
            "holidays: [2026-12-25, 2026-12-25]",
            5,
            "duplicate",
        ),
        ("opens: 09:00", "opens: 09:00\n  lunch: 12:00", 4, "unknown key 'lunch'"),
    ],
)
def test_mistakes_are_named_at_their_line(
    content: ContentCopy, old: str, new: str, offset: int, words: str
) -> None:
    line = with_calendar(content, CALENDAR.replace(old, new))
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{line + offset}: "), problem
    assert words in problem


def test_a_missing_key_is_named(content: ContentCopy) -> None:
    line = with_calendar(content, CALENDAR.replace("  closes: 17:30\n", ""))
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{line + 1}: ")
    assert "missing required key 'closes'" in problem


def test_too_many_holidays_are_refused(content: ContentCopy) -> None:
    days = ", ".join(f"{2000 + n // 365}-01-01" for n in range(1001))
    line = with_calendar(content, CALENDAR.replace("[2026-12-25, 2026-12-28]", f"[{days}]"))
    assert any(
        p.startswith(f"program.yml:{line + 5}: ") and "1000" in p for p in content.problems()
    )


def test_a_calendar_too_thin_for_the_longest_sla_is_refused(content: ContentCopy) -> None:
    """One minute on Mondays is 52 working minutes a year: no 48-hour SLA fits, so the check
    refuses the content instead of letting a due time be searched for years."""
    thin = CALENDAR.replace("[mon, tue, wed, thu, fri]", "[mon]").replace("17:30", "09:01")
    line = with_calendar(content, thin)
    problem = only(content.problems())
    assert problem.startswith(f"program.yml:{line}: ")
    assert "fewer than governance.approval_hours (72)" in problem


def test_a_weekly_hour_holds_a_small_sla(content: ContentCopy) -> None:
    """Sixty minutes on Mondays is ~50 working hours a year: a 48-hour SLA still fits once
    the governance SLAs are as small."""
    content.replace("program.yml", "  approval_hours: 72", "  approval_hours: 40")
    with_calendar(
        content,
        CALENDAR.replace("[mon, tue, wed, thu, fri]", "[mon]")
        .replace("17:30", "10:00")
        .replace("holidays: [2026-12-25, 2026-12-28]", "holidays: []"),
    )
    assert load_content(content.root).program.business_hours is not None
