"""Pure SLA clock arithmetic (no Django): state in, instants and badges out."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from caredesk.sla.calendar import BusinessCalendar


@dataclass(frozen=True)
class Clock:
    """A target measured in business time. Running while `running_since` is set."""

    target: timedelta
    elapsed: timedelta = timedelta(0)  # business time used before running_since
    running_since: datetime | None = None
    stopped_at: datetime | None = None
    breached_at: datetime | None = None
    warnings_fired: tuple[float, ...] = ()

    @property
    def running(self) -> bool:
        return self.running_since is not None

    @property
    def stopped(self) -> bool:
        return self.stopped_at is not None


def start(target: timedelta, now: datetime) -> Clock:
    """A fresh clock running from `now`."""
    return Clock(target=target, running_since=now)


def used(cal: BusinessCalendar, clock: Clock, now: datetime) -> timedelta:
    """Business time consumed so far."""
    if clock.running_since is None:
        return clock.elapsed
    return clock.elapsed + cal.between(clock.running_since, now)


def pause(cal: BusinessCalendar, clock: Clock, now: datetime) -> Clock:
    """Stop counting; a clock already past its due instant is recorded as breached then."""
    if clock.running_since is None:
        return clock
    breached = clock.breached_at
    due = due_at(cal, clock)
    if breached is None and due is not None and due < now:
        breached = due
    return replace(clock, elapsed=used(cal, clock, now), running_since=None, breached_at=breached)


def resume(clock: Clock, now: datetime) -> Clock:
    """Run again with the time already used (a reopen or the end of a pause)."""
    if clock.running_since is not None:
        return clock
    return replace(clock, running_since=now, stopped_at=None)


def stop(cal: BusinessCalendar, clock: Clock, now: datetime) -> Clock:
    if clock.stopped_at is not None:
        return clock
    return replace(pause(cal, clock, now), stopped_at=now)


def due_at(cal: BusinessCalendar, clock: Clock) -> datetime | None:
    """When the target is reached if the clock keeps running; None while paused or stopped."""
    if clock.running_since is None:
        return None
    remaining = clock.target - clock.elapsed
    if remaining <= timedelta(0):
        return clock.running_since  # already used up before this run began
    return cal.add(clock.running_since, remaining)


def warning_instants(
    cal: BusinessCalendar, clock: Clock, fractions: tuple[float, ...]
) -> list[tuple[float, datetime]]:
    """The instants at which each not-yet-fired warning fraction is reached (running clocks)."""
    if clock.running_since is None:
        return []
    out = []
    for fraction in sorted(fractions):
        if fraction in clock.warnings_fired or not 0 < fraction < 1:
            continue
        at = clock.target * fraction - clock.elapsed
        when = clock.running_since if at <= timedelta(0) else cal.add(clock.running_since, at)
        out.append((fraction, when))
    return out


def next_check(
    cal: BusinessCalendar, clock: Clock, fractions: tuple[float, ...]
) -> datetime | None:
    """The next instant the periodic tick must look at this clock, or None."""
    if clock.running_since is None:
        return None
    candidates = [when for _f, when in warning_instants(cal, clock, fractions)]
    if clock.breached_at is None:
        due = due_at(cal, clock)
        if due is not None:
            candidates.append(due)
    return min(candidates) if candidates else None


class BadgeState(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


@dataclass(frozen=True)
class Badge:
    state: BadgeState
    remaining: timedelta  # negative once breached
    due_at: datetime | None


def badge(cal: BusinessCalendar, clock: Clock, now: datetime, warn_fraction: float = 0.75) -> Badge:
    """What an agent should see: time left in business time, or paused, breached, met."""
    remaining = clock.target - used(cal, clock, now)
    due = due_at(cal, clock)
    if clock.stopped_at is not None:
        state = BadgeState.BREACHED if remaining < timedelta(0) else BadgeState.MET
    elif remaining <= timedelta(0) or clock.breached_at is not None:
        state = BadgeState.BREACHED
    elif clock.running_since is None:
        state = BadgeState.PAUSED
    elif remaining <= clock.target * (1 - warn_fraction):
        state = BadgeState.WARNING
    else:
        state = BadgeState.OK
    return Badge(state=state, remaining=remaining, due_at=due)


def humanize(delta: timedelta) -> str:
    """'2 h 10 m', '45 m', '3 d 4 h' (absolute value; the caller says early or late)."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} m"
    return f"{minutes} m"
