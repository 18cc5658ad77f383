"""How long the business-hours arithmetic takes: one call per SLA'd submission, so it must stay
a few microseconds for the SLAs programs set, and grow with calendar days, not hours.

    .venv/bin/python bench/business_time.py            # 2,000 calls per row
    .venv/bin/python bench/business_time.py --calls 200

Each row adds N business hours to starts spread over two years (every minute of the week,
holidays and both DST changes included) on the demo program's calendar, then measures the same
span back with `business_time_between`; `days walked` is the median span in calendar days.
A last row times the worst case the content check lets through: a one-hour working week
holding a 48-hour SLA.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.content import load_content
from portal.content.business_time import add_business_hours, business_time_between
from portal.content.model_calendar import BusinessHours

DEMO_CONTENT = Path(__file__).resolve().parent.parent / "content"
HOURS = (8, 16, 40, 72, 720, 2160)


def _row(name: str, calendar: BusinessHours, hours: int, starts: list[datetime]) -> str:
    adds, measures, spans = [], [], []
    for start in starts:
        began = time.perf_counter()
        due = add_business_hours(start, hours, calendar)
        adds.append((time.perf_counter() - began) * 1e6)
        began = time.perf_counter()
        business_time_between(start, due, calendar)
        measures.append((time.perf_counter() - began) * 1e6)
        spans.append((due - start) / timedelta(days=1))
    adds.sort()
    return (
        f"| {name} | {hours:,} | {statistics.median(spans):,.1f} | "
        f"{statistics.median(adds):,.1f} | {adds[int(len(adds) * 0.95)]:,.1f} | "
        f"{statistics.median(measures):,.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    calendar = load_content(DEMO_CONTENT).program.business_hours
    assert calendar is not None, "the demo program sets business_hours"
    rng = random.Random(args.seed)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [
        origin + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(args.calls)
    ]
    print(f"calendar: {calendar.describe()}, {len(calendar.holidays)} holidays")
    print(
        "| calendar | business hours | days walked (median) | add µs median | add µs p95 "
        "| measure µs median |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for hours in HOURS:
        print(_row("demo", calendar, hours, starts))
    thin = BusinessHours(
        calendar.timezone,
        frozenset({0}),
        calendar.opens,
        calendar.opens.replace(hour=calendar.opens.hour + 1),
    )
    print(_row("1 h a week", thin, 48, starts))


if __name__ == "__main__":
    main()
