"""Quarters: their edges in UTC, and reading one from the query string."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from portal.scorecard.quarters import Quarter, QuarterRefused, parse_quarter, quarter_of

CURRENT = Quarter(2026, 2)


def test_a_quarter_runs_from_its_first_instant_up_to_the_next_quarters() -> None:
    q1 = Quarter(2026, 1)
    assert q1.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert q1.end == datetime(2026, 4, 1, tzinfo=UTC)
    assert quarter_of(q1.end - timedelta(microseconds=1)) == q1
    assert quarter_of(q1.end) == Quarter(2026, 2)
    assert Quarter(2025, 4).end == datetime(2026, 1, 1, tzinfo=UTC)


def test_quarter_of_reads_the_moment_in_utc() -> None:
    # 1 April 01:00 in UTC+2 is 31 March 23:00 UTC: still Q1.
    moment = datetime(2026, 4, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert quarter_of(moment) == Quarter(2026, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        quarter_of(datetime(2026, 4, 1))


def test_trailing_quarters_cross_the_year() -> None:
    labels = [q.label for q in Quarter(2026, 2).trailing(4)]
    assert labels == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert Quarter(2026, 1).title == "Q1 2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, CURRENT),
        ("", CURRENT),
        ("  ", CURRENT),
        ("2026-Q1", Quarter(2026, 1)),
        ("2026q1", Quarter(2026, 1)),
        (" 2025-q4 ", Quarter(2025, 4)),
        ("2026-Q2", CURRENT),
    ],
)
def test_parse_quarter_reads_the_forms_people_type(text, expected) -> None:
    assert parse_quarter(text, CURRENT) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "is not a quarter: write the year, a dash and Q1 to Q4, such as 2026-Q2"),
        ("Q1 2026", "is not a quarter"),
        ("\uff12\uff10\uff12\uff16-Q1", "is not a quarter"),  # full-width digits
        ("2026-Q1\x00", "is not a quarter"),
        ("9" * 5000, "Choose a quarter such as 2026-Q2."),
        ("1999-Q4", "The scorecard starts in 2000"),
        ("2026-Q3", "Q3 2026 has not started yet: the latest quarter is Q2 2026."),
        ("9999-Q4", "has not started yet"),
    ],
)
def test_parse_quarter_refuses_anything_else_with_a_message(text, message) -> None:
    with pytest.raises(QuarterRefused) as refused:
        parse_quarter(text, CURRENT)
    assert message in refused.value.message


def test_parse_quarter_refuses_values_that_are_not_text() -> None:
    with pytest.raises(QuarterRefused):
        parse_quarter(["2026-Q1"], CURRENT)
