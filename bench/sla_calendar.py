"""Benchmark: BusinessCalendar.add() calls a second (target >= 100,000/s).

A weekday calendar (08:00-20:00, America/New_York) with a year of US holidays, random starts over
two years and random durations up to 240 hours. Run: .venv/bin/python bench/sla_calendar.py
"""

from __future__ import annotations

import json
import platform
import random
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from caredesk.sla.calendar import BusinessCalendar

CALLS = 200_000


def main() -> None:
    holidays = BusinessCalendar.country_holidays("US", [2026, 2027], subdiv="NY")
    cal = BusinessCalendar(
        "America/New_York", {d: [(clock_time(8), clock_time(20))] for d in range(5)}, holidays
    )
    rng = random.Random(42)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.randrange(0, 2 * 365 * 86400)) for _ in range(CALLS)]
    durations = [timedelta(seconds=rng.randrange(0, 240 * 3600)) for _ in range(CALLS)]
    cal.add(starts[0], durations[0])  # build the timeline once, as a long-running worker would
    add = cal.add
    t0 = time.perf_counter()
    for s, d in zip(starts, durations, strict=True):
        add(s, d)
    elapsed = time.perf_counter() - t0
    t1 = time.perf_counter()
    between = cal.between
    for s, d in zip(starts, durations, strict=True):
        between(s, s + d)
    elapsed_between = time.perf_counter() - t1
    result = {
        "calls": CALLS,
        "add_per_second": round(CALLS / elapsed),
        "between_per_second": round(CALLS / elapsed_between),
        "python": platform.python_version(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
