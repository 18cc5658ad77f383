"""program.yml `business_hours`: the one calendar every SLA the partner team owes runs on.

```yaml
business_hours:
  timezone: Europe/London            # an IANA time zone
  days: [mon, tue, wed, thu, fri]    # working days: mon tue wed thu fri sat sun
  opens: 09:00                       # local time, 24-hour HH:MM
  closes: 17:30                      # after `opens`, the same day
  holidays: [2026-12-25, 2026-12-28] # local dates (YYYY-MM-DD) nobody works
```

The section is optional: without it every SLA is plain elapsed hours. With it, the referrals'
first response (`sla.first_response_hours`), the questions' topics
(`governance.topics[].first_response_hours`) and the co-marketing review
(`governance.approval_hours`) count business hours (portal/content/business_time.py).
A calendar must leave room for the longest of those SLAs within a year of working time, so
no due time is ever searched for without end. Every problem is reported with its `path:line`.
"""

from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model_calendar import DAY_NAMES, BusinessHours

CALENDAR_KEYS_REQUIRED = ("timezone", "days", "opens", "closes")
CALENDAR_KEYS_OPTIONAL = ("holidays",)
WHAT = "'business_hours'"
MAX_HOLIDAYS = 1000  # decades of public holidays; bounds the set every check walks
TIMEZONE_MAX = 64
_CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# A year of working time: 52 whole weeks, less every holiday, less two DST hours.
_WEEKS_A_YEAR = 52
_DST_MARGIN_MINUTES = 2 * 60


def build_business_hours(src: Source, root: LineDict) -> BusinessHours | None:
    """The `business_hours` section of program.yml (absent or unusable: None, elapsed time)."""
    if "business_hours" not in root:
        return None
    section = f.mapping(src, root["business_hours"], WHAT, root.line_of("business_hours"))
    if section is None:
        return None
    f.check_keys(src, section, WHAT, CALENDAR_KEYS_REQUIRED, CALENDAR_KEYS_OPTIONAL)
    zone = _timezone(src, section)
    days = _days(src, section)
    opens = _clock_time(src, section, "opens")
    closes = _clock_time(src, section, "closes")
    if opens is not None and closes is not None and closes <= opens:
        src.report(
            section.line_of("closes"),
            f"'closes' in {WHAT} must be later than 'opens' ({opens:%H:%M}) on the same day, "
            f"not {closes:%H:%M}",
        )
        return None
    holidays = _holidays(src, section)
    if zone is None or days is None or opens is None or closes is None or holidays is None:
        return None
    return BusinessHours(timezone=zone, days=days, opens=opens, closes=closes, holidays=holidays)


def check_slas_fit(
    src: Source, root: LineDict, calendar: BusinessHours | None, slas: dict[str, int]
) -> None:
    """Report a calendar too thin for the program's longest SLA (`slas`: what → hours).

    The bound is a lower one on the working time in any 52 weeks, so a checked calendar always
    reaches every due time well within business_time.HORIZON_DAYS.
    """
    if calendar is None or not slas:
        return
    what, hours = max(slas.items(), key=lambda item: item[1])
    working_days = _WEEKS_A_YEAR * len(calendar.days) - len(calendar.holidays)
    capacity = working_days * calendar.day_minutes - _DST_MARGIN_MINUTES
    if hours * 60 > capacity:
        src.report(
            root.line_of("business_hours"),
            f"{WHAT} ({calendar.describe()}, {len(calendar.holidays)} holidays) has about "
            f"{max(capacity, 0) // 60} working hours a year, fewer than {what} ({hours}): "
            "add working days or hours",
        )


def _timezone(src: Source, section: LineDict) -> str | None:
    value = f.text(src, section, "timezone", WHAT)
    if not value:
        return None
    if len(value) > TIMEZONE_MAX:
        src.report(section.line_of("timezone"), f"'timezone' in {WHAT} is too long")
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        src.report(
            section.line_of("timezone"),
            f"'timezone' in {WHAT} must be an IANA time zone such as Europe/London, not {value!r}",
        )
        return None
    return value


def _days(src: Source, section: LineDict) -> frozenset[int] | None:
    items = f.item_list(src, section, "days", WHAT)
    if items is None:
        return None
    if not items:
        src.report(
            section.line_of("days"),
            f"'days' in {WHAT} needs at least one working day, or no SLA could ever fall due",
        )
        return None
    days: set[int] = set()
    for index, item in enumerate(items):
        line = items.line_of(index)
        name = item.strip().lower() if isinstance(item, str) else None
        if name not in DAY_NAMES:
            src.report(
                line,
                f"each item of 'days' in {WHAT} must be one of {', '.join(DAY_NAMES)}, "
                f"not {item!r}",
            )
            continue
        day = DAY_NAMES.index(name)
        if day in days:
            src.report(line, f"duplicate day '{name}' in 'days' of {WHAT}")
        days.add(day)
    return frozenset(days) if days else None


def _clock_time(src: Source, section: LineDict, key: str) -> time | None:
    value = section.get(key)
    if value is None:
        return None
    match = _CLOCK_TIME.match(value) if isinstance(value, str) and len(value) == 5 else None
    if match is None:
        src.report(
            section.line_of(key),
            f"'{key}' in {WHAT} must be a local time as HH:MM (00:00 to 23:59), such as "
            f"09:00, not {value!r}",
        )
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _holidays(src: Source, section: LineDict) -> frozenset[date] | None:
    items = f.item_list(src, section, "holidays", WHAT)
    if items is None:
        return None if "holidays" in section else frozenset()
    if len(items) > MAX_HOLIDAYS:
        src.report(
            section.line_of("holidays"),
            f"'holidays' in {WHAT} lists {len(items)} dates; keep it to {MAX_HOLIDAYS}",
        )
        return None
    seen: dict[str, int] = {}
    holidays: set[date] = set()
    for index, item in enumerate(items):
        line = items.line_of(index)
        day = _iso_date(item)
        if day is None:
            src.report(
                line,
                f"each item of 'holidays' in {WHAT} must be a date as YYYY-MM-DD, not {item!r}",
            )
            continue
        f.unique(src, seen, day.isoformat(), line, f"holiday in {WHAT}")
        holidays.add(day)
    return frozenset(holidays)


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10 or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
