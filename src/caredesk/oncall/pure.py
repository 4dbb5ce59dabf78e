"""Who is on call: rotations, layers and overrides, computed at an instant (no Django).

A layer is one rotation: hand-offs at a time of day in the schedule's timezone, every day, every
week, or every N hours, from a start date; its participants take turns in order. Daily and
weekly hand-offs follow the wall clock (09:00 stays 09:00 across a DST change, so that shift is
23 or 25 hours long); custom lengths count elapsed hours. A hand-off at a time the clocks skip
(02:30 on the spring-forward night) happens at the first instant after the gap; one at a time
that occurs twice happens at the first occurrence.

Layers are stacked: the highest layer that has someone at an instant wins; a layer may be
restricted to a window of the day (e.g. 18:00-08:00, the night), outside which it has nobody.
Overrides sit above every layer; the latest-created override covering an instant wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY = "daily"
WEEKLY = "weekly"
CUSTOM = "custom"
HORIZON = timedelta(days=62)  # the next hand-off is looked for this far ahead


@dataclass(frozen=True)
class Layer:
    level: int
    kind: str  # daily, weekly or custom
    handoff: time
    start: date
    participants: tuple[int, ...]
    hours: int = 24  # the shift's length for custom rotations
    restrict_from: time | None = None  # the layer has someone only inside this daily window
    restrict_to: time | None = None


@dataclass(frozen=True)
class Override:
    user: int
    start: datetime
    end: datetime
    order: int = 0  # later-created overrides win


@dataclass(frozen=True)
class Schedule:
    timezone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Shift:
    """Who is on call from `start` (None: nobody), until the next change."""

    user: int | None
    start: datetime
    end: datetime | None


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant (UTC) of wall-clock `at` on `day` in `tz`; a skipped time is moved to the
    first instant after the gap, a repeated one is its first occurrence."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    back = first.astimezone(tz).replace(tzinfo=None)
    if back == naive:
        return first
    # inside a gap: the clocks jump over `naive`; the hand-off is the jump itself, the first
    # instant whose wall-clock time is past `naive` (transitions fall on whole minutes)
    t = min(first, naive.replace(tzinfo=tz, fold=1).astimezone(UTC))
    while t.astimezone(tz).replace(tzinfo=None) <= naive:
        t += timedelta(minutes=1)
    return t


def handoff_at(layer: Layer, tz: ZoneInfo, k: int) -> datetime:
    """The instant of the layer's k-th hand-off (k = 0 is its start)."""
    if layer.kind == CUSTOM:
        return _local(layer.start, layer.handoff, tz) + timedelta(hours=layer.hours * k)
    days = 7 if layer.kind == WEEKLY else 1
    return _local(layer.start + timedelta(days=days * k), layer.handoff, tz)


def _period(layer: Layer) -> timedelta:
    if layer.kind == CUSTOM:
        return timedelta(hours=layer.hours)
    return timedelta(days=7 if layer.kind == WEEKLY else 1)


def shift_index(layer: Layer, tz: ZoneInfo, at: datetime) -> int | None:
    """The number of the layer's shift running at `at` (None before its start)."""
    first = handoff_at(layer, tz, 0)
    if at < first:
        return None
    k = int((at - first) / _period(layer))  # close; DST moves it by at most one
    while k > 0 and handoff_at(layer, tz, k) > at:
        k -= 1
    while handoff_at(layer, tz, k + 1) <= at:
        k += 1
    return k


def _inside(layer: Layer, tz: ZoneInfo, at: datetime) -> bool:
    """Whether `at` falls in the layer's daily window (from its start on one day to its end,
    that day or, over midnight, the next), as instants, so DST cannot reopen a closed window."""
    start, end = layer.restrict_from, layer.restrict_to
    if start is None or end is None or start == end:
        return True
    day = at.astimezone(tz).date()
    for d in (day - timedelta(days=1), day):
        opens = _local(d, start, tz)
        closes = _local(d if start < end else d + timedelta(days=1), end, tz)
        if opens <= at < closes:
            return True
    return False


def layer_at(layer: Layer, tz: ZoneInfo, at: datetime) -> int | None:
    """Who the layer has at `at`, or None."""
    if not layer.participants:
        return None
    if not _inside(layer, tz, at):
        return None
    k = shift_index(layer, tz, at)
    if k is None:
        return None
    return layer.participants[k % len(layer.participants)]


def on_call_at(schedule: Schedule, at: datetime) -> int | None:
    """Who is on call at `at`: an override, else the highest layer with someone, else None."""
    covering = [o for o in schedule.overrides if o.start <= at < o.end]
    if covering:
        return max(covering, key=lambda o: o.order).user
    tz = ZoneInfo(schedule.timezone)
    for layer in sorted(schedule.layers, key=lambda x: -x.level):
        who = layer_at(layer, tz, at)
        if who is not None:
            return who
    return None


def _changes(schedule: Schedule, after: datetime, until: datetime) -> list[datetime]:
    """Every instant in (after, until] at which who is on call may change, in order."""
    tz = ZoneInfo(schedule.timezone)
    found: set[datetime] = set()
    for o in schedule.overrides:
        found |= {t for t in (o.start, o.end) if after < t <= until}
    for layer in schedule.layers:
        k = shift_index(layer, tz, after)
        k = -1 if k is None else k
        while (t := handoff_at(layer, tz, k + 1)) <= until:
            found.add(t)
            k += 1
        if layer.restrict_from is not None and layer.restrict_to is not None:
            day = after.astimezone(tz).date() - timedelta(days=1)
            while day <= until.astimezone(tz).date() + timedelta(days=1):
                for edge in (layer.restrict_from, layer.restrict_to):
                    t = _local(day, edge, tz)
                    if after < t <= until:
                        found.add(t)
                day += timedelta(days=1)
    return sorted(found)


def shifts(schedule: Schedule, start: datetime, end: datetime) -> Iterator[Shift]:
    """Who is on call from `start` to `end`, as consecutive shifts (merged when the same
    person continues)."""
    who = on_call_at(schedule, start)
    since = start
    for t in _changes(schedule, start, end):
        now = on_call_at(schedule, t)
        if now != who:
            yield Shift(who, since, t)
            who, since = now, t
    yield Shift(who, since, None if end >= start + HORIZON else end)


def next_handoff(schedule: Schedule, at: datetime) -> Shift | None:
    """The next change of who is on call after `at` (who takes over, from when), or None
    when nothing changes within the horizon."""
    who = on_call_at(schedule, at)
    for t in _changes(schedule, at, at + HORIZON):
        now = on_call_at(schedule, t)
        if now != who:
            return Shift(now, t, None)
    return None
