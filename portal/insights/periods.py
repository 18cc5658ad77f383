"""The periods /insights offers: the last 30, 90 or 365 days, or a calendar quarter.

A period is two windows, [start, end) in UTC: the current one and the previous one of the
same length, which its change is measured against. A quarter in progress runs to `now` and is
compared with the same number of days at the start of the quarter before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "DEFAULT_PERIOD",
    "QUARTERS_OFFERED",
    "ROLLING_DAYS",
    "Period",
    "Window",
    "offered_periods",
    "period_for",
]

ROLLING_DAYS = (30, 90, 365)
DEFAULT_PERIOD = "90"
QUARTERS_OFFERED = 8  # the quarter in progress and the seven before it


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.start <= moment < self.end


@dataclass(frozen=True)
class Period:
    key: str  # "30", "90", "365" or "2026-Q3"
    label: str
    current: Window
    previous: Window

    @property
    def is_quarter(self) -> bool:
        return "-Q" in self.key


def _quarter_start(year: int, quarter: int) -> datetime:
    return datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=UTC)


def _quarter_of(moment: datetime) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def _step_back(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _step_forward(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def offered_quarters(now: datetime) -> list[tuple[int, int]]:
    """(year, quarter) pairs, the one in progress first."""
    quarters = [_quarter_of(now)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(_step_back(*quarters[-1]))
    return quarters


def offered_periods(now: datetime) -> list[tuple[str, str]]:
    """(key, label) for the period selector."""
    rolling = [(str(days), f"Last {days} days") for days in ROLLING_DAYS]
    return rolling + [
        (_quarter_key(y, q), _quarter_label(y, q, now)) for y, q in offered_quarters(now)
    ]


def _quarter_key(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def _quarter_label(year: int, quarter: int, now: datetime) -> str:
    in_progress = (year, quarter) == _quarter_of(now)
    return f"{year} Q{quarter}" + (" (to date)" if in_progress else "")


def period_for(key: str, now: datetime) -> Period | None:
    """The period a selector key names, as of `now`; None for a key the selector does not offer."""
    if key in {str(days) for days in ROLLING_DAYS}:
        length = timedelta(days=int(key))
        return Period(
            key=key,
            label=f"Last {key} days",
            current=Window(now - length, now),
            previous=Window(now - 2 * length, now - length),
        )
    for year, quarter in offered_quarters(now):
        if key == _quarter_key(year, quarter):
            return _quarter_period(year, quarter, now)
    return None


def _quarter_period(year: int, quarter: int, now: datetime) -> Period:
    start = _quarter_start(year, quarter)
    end = min(_quarter_start(*_step_forward(year, quarter)), now)
    previous_start = _quarter_start(*_step_back(year, quarter))
    # A quarter in progress is compared with as many days of the quarter before.
    previous_end = min(start, previous_start + (end - start))
    return Period(
        key=_quarter_key(year, quarter),
        label=_quarter_label(year, quarter, now),
        current=Window(start, end),
        previous=Window(previous_start, previous_end),
    )
