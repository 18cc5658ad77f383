"""Calendar quarters in UTC: the scorecard's periods, and reading one from a query string.

A quarter runs from its first instant up to, not including, the next quarter's first instant,
so an event at 00:00:00 UTC on 1 April belongs to Q2 and one a microsecond earlier to Q1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "EARLIEST_YEAR",
    "QUARTER_TEXT_MAX",
    "Quarter",
    "QuarterRefused",
    "parse_quarter",
    "quarter_of",
]

# No program data predates this; a year before it is a typing mistake, not a quarter to show.
EARLIEST_YEAR = 2000
QUARTER_TEXT_MAX = 16
_QUARTER = re.compile(r"([0-9]{4})-?Q([1-4])", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """One calendar quarter: `year` and `number` 1 to 4."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @property
    def start(self) -> datetime:
        """The quarter's first instant (UTC)."""
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The next quarter's first instant: the quarter is [start, end)."""
        return self.following().start

    @property
    def label(self) -> str:
        """The form used in URLs and CSV files: 2026-Q1."""
        return f"{self.year}-Q{self.number}"

    @property
    def title(self) -> str:
        """The form people read: Q1 2026."""
        return f"Q{self.number} {self.year}"

    def following(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def preceding(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def trailing(self, count: int) -> tuple[Quarter, ...]:
        """`count` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].preceding())
        return tuple(reversed(quarters))

    def __str__(self) -> str:
        return self.label


def quarter_of(moment: datetime) -> Quarter:
    """The quarter a timezone-aware moment falls in, in UTC."""
    if moment.tzinfo is None:
        raise ValueError("quarter_of needs a timezone-aware datetime")
    moment = moment.astimezone(UTC)
    return Quarter(moment.year, (moment.month - 1) // 3 + 1)


class QuarterRefused(ValueError):
    """A quarter in the query string that cannot be shown; `message` says why, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_quarter(text: object, current: Quarter) -> Quarter:
    """The quarter named by `text` ("2026-Q1", "2026q1"); `current` when it is empty.

    Raises QuarterRefused for anything else, for a year before EARLIEST_YEAR and for a quarter
    that has not started yet (nothing to show).
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return current
    example = f"such as {current.label}"
    if not isinstance(text, str) or len(text) > QUARTER_TEXT_MAX:
        raise QuarterRefused(f"Choose a quarter {example}.")
    match = _QUARTER.fullmatch(text.strip())
    if match is None:
        raise QuarterRefused(
            f"“{text.strip()}” is not a quarter: write the year, a dash and Q1 to Q4, {example}."
        )
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if quarter.year < EARLIEST_YEAR:
        raise QuarterRefused(f"The scorecard starts in {EARLIEST_YEAR}: choose a later quarter.")
    if quarter > current:
        raise QuarterRefused(
            f"{quarter.title} has not started yet: the latest quarter is {current.title}."
        )
    return quarter
