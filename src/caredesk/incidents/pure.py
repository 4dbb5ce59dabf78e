"""The status page's figures: pure arithmetic over a component's state history.

A history is a list of intervals `(state, start, end)`, half-open (`start` included, `end`
not), built from the `ComponentStateChange` rows by `intervals`. Uptime is the share of a window
not spent in a down state (`models.DOWN_STATES`: partial and major outage; degraded and
maintenance count as up). Average time to resolve is over the incidents that touched the
component and resolved within the window.

Rounding is defined once, here: uptime is a percentage with two decimals rounded DOWN (an hour
of outage in a year shows 99.98 %, never 100.00 %); average time to resolve is whole minutes,
half a minute rounded up. Both work on whole microseconds, so they are exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

DOWN = frozenset({"partial_outage", "major_outage"})
OPERATIONAL = "operational"

Interval = tuple[str, datetime, datetime]


def _us(span: timedelta) -> int:
    """A span in whole microseconds (timedelta keeps exactly that)."""
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def intervals(
    changes: Iterable[tuple[datetime, str]],
    *,
    since: datetime,
    until: datetime,
    before: str = OPERATIONAL,
) -> list[Interval]:
    """The history within `[since, until)`: `changes` are `(at, state)` in time order (a
    change at `at` holds until the next one); `before` is the state before the first change
    (the component's state when the window opens, when no change falls before it)."""
    out: list[Interval] = []
    state, start = before, since
    for at, new in changes:
        if at <= since:
            state = new
            continue
        if at >= until:
            break
        if new != state:
            if at > start:
                out.append((state, start, at))
            state, start = new, at
    if until > start:
        out.append((state, start, until))
    return out


def down_us(history: Iterable[Interval]) -> int:
    return sum(_us(end - start) for state, start, end in history if state in DOWN)


def percent_rounded(up_us: int, total_us: int) -> Decimal | None:
    """THE rounding of uptime: hundredths of a percent, rounded down. None for an empty window."""
    if total_us <= 0:
        return None
    hundredths = (up_us * 10_000) // total_us
    return Decimal(hundredths) / 100


def uptime(history: Sequence[Interval], since: datetime, until: datetime) -> Decimal | None:
    """Uptime in percent over `[since, until)` of a history clipped to it (see `intervals`)."""
    total = _us(until - since)
    return percent_rounded(total - down_us(history), total)


def clip(history: Iterable[Interval], since: datetime, until: datetime) -> list[Interval]:
    """The part of `history` within `[since, until)`."""
    out = []
    for state, start, end in history:
        s, e = max(start, since), min(end, until)
        if e > s:
            out.append((state, s, e))
    return out


def mean_minutes_rounded(total_us: int, count: int) -> int | None:
    """THE rounding of average time to resolve: whole minutes, half a minute up."""
    if count <= 0:
        return None
    minute = 60_000_000 * count
    return (2 * total_us + minute) // (2 * minute)


def mean_time_to_resolve(
    incidents: Iterable[tuple[datetime, datetime | None]], since: datetime, until: datetime
) -> int | None:
    """Average minutes from start to resolution of the incidents `(started, resolved)` that
    resolved within `[since, until]` (an incident resolved at the instant the page is drawn
    counts); None when none did."""
    spans = [
        _us(resolved - started)
        for started, resolved in incidents
        if resolved is not None and since <= resolved <= until and resolved >= started
    ]
    return mean_minutes_rounded(sum(spans), len(spans))


def months_back(until: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The `count` calendar months ending with the one `until` falls in, oldest first, each
    `[first instant, first instant of the next)`; the last ends at `until`."""
    first = until.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = []
    year, month = first.year, first.month
    for _ in range(count):
        starts.append(first.replace(year=year, month=month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    ends = [*starts[1:], until]
    return list(zip(starts, ends, strict=True))


@dataclass(frozen=True)
class Figures:
    """A component's figures over the status page's window."""

    uptime: Decimal | None  # percent over the whole window
    months: list[tuple[datetime, Decimal | None]]  # (month start, uptime that month)
    mean_resolve_minutes: int | None
    resolved_count: int


def figures(
    changes: Sequence[tuple[datetime, str]],
    incidents: Sequence[tuple[datetime, datetime | None]],
    *,
    before: str,
    since: datetime,
    until: datetime,
    months: int = 12,
) -> Figures:
    """Uptime over `[since, until)` and per calendar month, and average time to resolve."""
    history = intervals(changes, since=since, until=until, before=before)
    per_month = []
    for start, end in months_back(until, months):
        s = max(start, since)
        per_month.append((start, uptime(clip(history, s, end), s, end) if end > s else None))
    resolved = [(a, b) for a, b in incidents if b is not None and since <= b <= until and b >= a]
    return Figures(
        uptime=uptime(history, since, until),
        months=per_month,
        mean_resolve_minutes=mean_time_to_resolve(resolved, since, until),
        resolved_count=len(resolved),
    )
