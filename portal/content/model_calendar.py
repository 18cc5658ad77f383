"""program.yml `business_hours` as an immutable value: the partner team's working week.

Parsed in program_calendar.py; the arithmetic on it (adding and measuring business hours) is
in business_time.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
_DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class BusinessHours:
    """When the partner team works: `opens` to `closes` local time in `timezone` on `days`
    (0 = Monday … 6 = Sunday), except on `holidays` (local dates).

    A working day is the half-open local interval [opens, closes); a due time may land exactly
    on `closes` ("due by 17:30"), so checks treat the closing instant as inside.
    """

    timezone: str
    days: frozenset[int]
    opens: time
    closes: time
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches its instances per key

    def is_working_day(self, day: date) -> bool:
        """True for a working weekday that is not a holiday."""
        return day.weekday() in self.days and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working time of local `day` as UTC instants (opening, closing); None when the
        day is not worked, or when a DST change swallows the whole interval."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        # A wall time skipped by a spring-forward change maps to the instant after the gap
        # (fold=0); a repeated wall time means its first occurrence. Both stay real instants.
        opening = datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
        closing = datetime.combine(day, self.closes, tzinfo=zone).astimezone(UTC)
        return (opening, closing) if opening < closing else None

    @property
    def day_minutes(self) -> int:
        """Length of a working day on the wall clock, in minutes."""
        return (self.closes.hour * 60 + self.closes.minute) - (
            self.opens.hour * 60 + self.opens.minute
        )

    def describe(self) -> str:
        """The week in words: "Mon-Fri 09:00-17:30 Europe/London"."""
        return f"{_days_text(self.days)} {self.opens:%H:%M}-{self.closes:%H:%M} {self.timezone}"


def _days_text(days: frozenset[int]) -> str:
    """Consecutive days as ranges: {0,1,2,3,4} → "Mon-Fri", {0,2} → "Mon, Wed"."""
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = _DAY_LABELS[run[0]], _DAY_LABELS[run[-1]]
        if len(run) == 1:
            parts.append(first)
        elif len(run) == 2:
            parts.append(f"{first}, {last}")
        else:
            parts.append(f"{first}-{last}")
    return ", ".join(parts)
