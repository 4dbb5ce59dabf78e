"""Business-time arithmetic on weekly hours, holidays and an IANA timezone (no Django).

A calendar is turned into one sorted list of disjoint UTC spans with the business time that
precedes each span. `between` is then a difference of two cumulative values and `add` a search
for a cumulative value: both are binary searches, whatever the duration.

Rules:
- Weekly hours are local wall-clock intervals per weekday (Monday = 0); a day may have several.
- An interval whose end is at or before its start runs past midnight and belongs to the day it
  starts on (an overnight shift). `time(0)` as an end therefore means "until midnight".
- A holiday (a local date) removes the intervals that start on it.
- Business time is real elapsed time: an overnight shift across a daylight-saving change is an
  hour shorter or longer. A wall time that does not exist on a spring-forward day is read with
  the offset in force before the change (Python's fold=0).
- Overlapping intervals count once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_MIN_YEAR, _MAX_YEAR = 1971, 9998

Interval = tuple[time, time]


def _to_us(instant: datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business calendar instants must be timezone-aware")
    return (instant - _EPOCH) // _US


def _check_duration(duration: timedelta) -> int:
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    return duration // _US


class BusinessCalendar:
    """Weekly business hours in a timezone, minus holidays."""

    __slots__ = ("_always", "_timeline", "holidays", "timezone", "weekly_hours", "zone")

    def __init__(
        self,
        timezone: str,
        weekly_hours: Mapping[int, Sequence[Interval]],
        holidays: Iterable[date] = (),
    ) -> None:
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        for day, intervals in weekly_hours.items():
            if day not in range(7):
                raise ValueError(f"weekday {day} is not 0 (Monday) to 6 (Sunday)")
            for start, end in intervals:
                if not isinstance(start, time) or not isinstance(end, time):
                    raise ValueError("weekly hours are (time, time) pairs")
                if start.tzinfo is not None or end.tzinfo is not None:
                    raise ValueError("weekly hours are local wall-clock times without tzinfo")
        self.weekly_hours: dict[int, tuple[Interval, ...]] = {
            d: tuple(sorted(iv)) for d, iv in weekly_hours.items() if iv
        }
        if not self.weekly_hours:
            raise ValueError("a business calendar needs some business hours")
        self.holidays: frozenset[date] = frozenset(holidays)
        self._always = not self.holidays and all(
            self.weekly_hours.get(d) == ((time(0), time(0)),) for d in range(7)
        )
        self._timeline: _Timeline | None = None

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A 24/7 calendar."""
        return cls(timezone, dict.fromkeys(range(7), [(time(0), time(0))]))

    @staticmethod
    def country_holidays(
        country: str, years: Iterable[int], subdiv: str | None = None
    ) -> set[date]:
        """Public holidays of a country (and subdivision) from the `holidays` package."""
        import holidays as holidays_pkg

        return set(holidays_pkg.country_holidays(country, subdiv=subdiv, years=list(years)).keys())

    def __repr__(self) -> str:
        hours, n = self.weekly_hours, len(self.holidays)
        return f"BusinessCalendar({self.timezone!r}, {hours!r}, {n} holidays)"

    # -- timeline -------------------------------------------------------------------------

    def _spans_for_years(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Merged UTC spans (microseconds) of intervals starting on local dates lo-1 .. hi."""
        raw: list[tuple[int, int]] = []
        day = date(lo, 1, 1) - timedelta(days=1)
        last = date(hi, 12, 31)
        zone = self.zone
        while day <= last:
            intervals = self.weekly_hours.get(day.weekday())
            if intervals and day not in self.holidays:
                for start, end in intervals:
                    end_day = day if end > start else day + timedelta(days=1)
                    a = _to_us(datetime.combine(day, start, tzinfo=zone))
                    b = _to_us(datetime.combine(end_day, end, tzinfo=zone))
                    if b > a:
                        raw.append((a, b))
            day += timedelta(days=1)
        raw.sort()
        merged: list[tuple[int, int]] = []
        for a, b in raw:
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        return merged

    def _build(self, lo: int, hi: int) -> _Timeline:
        """Index the spans starting in years lo..hi; swapped in whole, so readers never tear."""
        lo, hi = max(lo, _MIN_YEAR), min(hi, _MAX_YEAR)
        floor = _to_us(datetime(lo, 1, 1, tzinfo=UTC))
        ceil = _to_us(datetime(hi, 12, 31, tzinfo=UTC))
        starts: list[int] = []
        ends: list[int] = []
        cum: list[int] = []
        cend: list[int] = []
        total = 0
        for a, b in self._spans_for_years(lo, hi):
            # A span beginning before `floor` may be cut off by the build window: leave it out
            # and never answer for instants in year `lo` (see _covering).
            if floor <= a <= ceil:
                starts.append(a)
                ends.append(b)
                cum.append(total)
                total += b - a
                cend.append(total)
        timeline = _Timeline(lo, hi, starts, ends, cum, cend)
        self._timeline = timeline
        return timeline

    def _covering(self, *instants: int) -> _Timeline:
        """A timeline that answers exactly for the given instants (a year of margin)."""
        tl = self._timeline
        years = [(_EPOCH + timedelta(microseconds=us)).year for us in instants]
        lo, hi = min(years) - 1, max(years) + 1
        if tl is not None and tl.lo <= lo and hi <= tl.hi:
            return tl
        if lo < _MIN_YEAR or hi > _MAX_YEAR:
            raise OverflowError("instant outside the supported years")
        if tl is not None:
            lo, hi = min(lo, tl.lo), max(hi, tl.hi)
        return self._build(lo, hi)

    def _extended(self, tl: _Timeline) -> _Timeline:
        if tl.hi >= _MAX_YEAR:
            raise OverflowError("no business time left before the supported years end")
        return self._build(tl.lo, tl.hi + max(2, tl.hi - tl.lo))

    # -- public ---------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero when end <= start."""
        a, b = _to_us(start), _to_us(end)
        if b <= a:
            return timedelta(0)
        if self._always:
            return timedelta(microseconds=b - a)
        tl = self._covering(a, b)
        return timedelta(microseconds=tl.cumulative(b) - tl.cumulative(a))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant t >= start with `duration` of business time in [start, t]."""
        d = _check_duration(duration)
        a = _to_us(start)
        if d == 0:
            return start
        if self._always:
            return start + duration
        tl = self._covering(a)
        while not tl.cend or tl.cend[-1] < tl.cumulative(a) + d:
            tl = self._extended(tl)
        target = tl.cumulative(a) + d
        j = bisect.bisect_left(tl.cend, target)  # first span whose end reaches the target
        us = tl.starts[j] + (target - tl.cum[j])
        return (_EPOCH + timedelta(microseconds=us)).astimezone(start.tzinfo)

    def is_open(self, instant: datetime) -> bool:
        """Whether `instant` falls inside business hours."""
        if self._always:
            _to_us(instant)
            return True
        us = _to_us(instant)
        tl = self._covering(us)
        i = bisect.bisect_right(tl.starts, us) - 1
        return i >= 0 and us < tl.ends[i]

    def next_opening(self, instant: datetime) -> datetime:
        """`instant` itself if open, else the start of the next business interval."""
        if self.is_open(instant):
            return instant
        us = _to_us(instant)
        tl = self._covering(us)
        while (i := bisect.bisect_right(tl.starts, us)) >= len(tl.starts):
            tl = self._extended(tl)
        return (_EPOCH + timedelta(microseconds=tl.starts[i])).astimezone(instant.tzinfo)


class _Timeline:
    """Disjoint UTC spans in order, with the business time before (cum) and to the end (cend)."""

    __slots__ = ("cend", "cum", "ends", "hi", "lo", "starts")

    def __init__(  # noqa: PLR0917 - built in one place, from parallel arrays
        self, lo: int, hi: int, starts: list[int], ends: list[int], cum: list[int], cend: list[int]
    ) -> None:
        self.lo, self.hi = lo, hi
        self.starts, self.ends, self.cum, self.cend = starts, ends, cum, cend

    def cumulative(self, us: int) -> int:
        """Business microseconds on this timeline before instant `us`."""
        i = bisect.bisect_right(self.starts, us) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(us, self.ends[i]) - self.starts[i]
