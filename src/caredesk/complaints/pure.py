"""Complaint arithmetic without Django: the MDR clock, IMDRF code checks, trend buckets."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from caredesk.safety import imdrf

MDR_CALENDAR_DAYS = 30  # 21 CFR 803.50: 30 calendar days after becoming aware
MDR_WORK_DAYS = 5  # 21 CFR 803.53: 5 work days where remedial action is needed (or FDA asks)
_MAX_SEARCH_DAYS = 366  # a calendar with no work day at all still gives an answer

# IMDRF adverse event terminology: annex letter and digits (A: device problem, E: health effect)
IMDRF_CODE = re.compile(r"^[A-G]\d{2,6}$")
ANNEXES = {
    "A": "Medical device problem",
    "B": "Type of investigation",
    "C": "Investigation findings",
    "D": "Investigation conclusion",
    "E": "Health effect: clinical signs and symptoms",
    "F": "Health effect: health impact",
    "G": "Medical device component",
}


def mdr_due(aware_on: date, *, five_day: bool, is_work_day: Callable[[date], bool]) -> date:
    """The last day to file the MDR report: 30 calendar days after the awareness date, or the
    fifth work day after it (the awareness day itself is day 0 in both)."""
    if not five_day:
        return aware_on + timedelta(days=MDR_CALENDAR_DAYS)
    day, left = aware_on, MDR_WORK_DAYS
    for _ in range(_MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_work_day(day):
            left -= 1
            if left == 0:
                return day
    return aware_on + timedelta(days=MDR_WORK_DAYS)


@dataclass(frozen=True)
class Clock:
    due_on: date
    days_left: int  # negative: overdue by that many days
    overdue: bool
    due_soon: bool

    @property
    def late_days(self) -> int:
        return -self.days_left


def clock_state(*, due_on: date, today: date, submitted: bool, soon_days: int) -> Clock:
    """Where the MDR clock stands today (a submitted report stops it)."""
    left = (due_on - today).days
    return Clock(due_on, left, not submitted and left < 0, not submitted and 0 <= left <= soon_days)


def codes_clean(raw: Iterable[str]) -> tuple[list[str], list[str]]:
    """(valid codes, upper-cased, unique, in order; the values that are not IMDRF codes)."""
    good: list[str] = []
    bad: list[str] = []
    for value in raw:
        code = value.strip().upper()
        if not code:
            continue
        if not IMDRF_CODE.match(code):
            bad.append(value.strip())
        elif code not in good:
            good.append(code)
    return good, bad


def codes_parse(text: str) -> list[str]:
    """Codes typed in one field, separated by commas, semicolons or spaces."""
    return [c for c in re.split(r"[\s,;]+", text) if c]


def annex_of(code: str) -> str:
    return ANNEXES.get(code[:1], "")


def code_label(code: str) -> str:
    """The code's IMDRF term where the screen's terminology knows it, else its annex's name."""
    return imdrf.term(code) if imdrf.is_code(code) else annex_of(code)


def period_buckets(start: date, end: date, *, by: str) -> list[date]:
    """The first day of each week (Monday) or month from start to end, in order."""
    if by == "week":
        first = start - timedelta(days=start.weekday())
        return [first + timedelta(weeks=i) for i in range(((end - first).days // 7) + 1)]
    out, cur = [], date(start.year, start.month, 1)
    while cur <= end:
        out.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return out


def bucket_of(day: date, *, by: str) -> date:
    """The first day of the week (Monday) or month `day` falls in."""
    return day - timedelta(days=day.weekday()) if by == "week" else day.replace(day=1)


@dataclass(frozen=True)
class Series:
    key: str
    counts: tuple[int, ...]  # per bucket, in the buckets' order
    total: int


def series(rows: Iterable[tuple[date, str, int]], buckets: list[date], *, by: str) -> list[Series]:
    """Counts per day and key summed per bucket; keys by total (largest first, then by name)."""
    index = {b: i for i, b in enumerate(buckets)}
    table: dict[str, list[int]] = {}
    for day, key, n in rows:
        bucket = bucket_of(day, by=by)
        if bucket in index:
            table.setdefault(key, [0] * len(buckets))[index[bucket]] += n
    found = [Series(k, tuple(v), sum(v)) for k, v in table.items()]
    return sorted(found, key=lambda s: (-s.total, s.key))
