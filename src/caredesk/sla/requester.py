"""What a requester is told of a ticket's service-level clocks: the instants the engine computed
for this ticket (in its calendar's time zone), and whether each promise was kept, is still
ahead, is paused while we wait for them, or has passed."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import dateformat

from caredesk.core.clock import now as clock_now
from caredesk.sla import clocks
from caredesk.sla.models import Calendar, Metric, SlaClock
from caredesk.sla.selectors import business_calendar, pure_clock, snapshot


class Standing(enum.StrEnum):
    AHEAD = "ahead"  # due later; still on time
    PASSED = "passed"  # the due instant went by unmet
    KEPT = "kept"  # met in time
    LATE = "late"  # met, but after the due instant
    PAUSED = "paused"  # waiting for the requester


@dataclass(frozen=True)
class Due:
    """One clock as the requester reads it."""

    metric: str
    due_at: datetime | None  # in `zone`
    zone: str
    standing: Standing


def _zone(name: str | None) -> tuple[ZoneInfo, str]:
    name = name or settings.TIME_ZONE
    try:
        return ZoneInfo(name), name
    except ZoneInfoNotFoundError:
        return ZoneInfo("UTC"), "UTC"


_STANDING = {
    clocks.BadgeState.OK: Standing.AHEAD,
    clocks.BadgeState.WARNING: Standing.AHEAD,
    clocks.BadgeState.PAUSED: Standing.PAUSED,
}


def _due(row: SlaClock, now: datetime, calendars: Mapping[int, Calendar]) -> Due | None:
    calendar = calendars.get(row.calendar_id) if row.calendar_id else None
    if calendar is None:
        return None
    badge = clocks.badge(business_calendar(calendar), pure_clock(row), now)
    if badge.state == clocks.BadgeState.MET:
        standing = Standing.KEPT
    elif badge.state == clocks.BadgeState.BREACHED:
        standing = Standing.LATE if row.stopped_at is not None else Standing.PASSED
    else:
        standing = _STANDING[badge.state]
    zone, name = _zone(calendar.timezone)
    due_at = badge.due_at or row.due_at
    return Due(
        metric=row.metric,
        due_at=due_at.astimezone(zone) if due_at else None,
        zone=name,
        standing=standing,
    )


def dues_of(rows: list[SlaClock], now: datetime | None = None) -> dict[int, dict[str, Due]]:
    """The requester's view of clock rows already read, by ticket id and metric."""
    now = now or clock_now()
    calendars = snapshot(for_display=True).calendars
    out: dict[int, dict[str, Due]] = {}
    for row in rows:
        due = _due(row, now, calendars)
        if due is not None:
            out.setdefault(row.ticket_id, {})[row.metric] = due
    return out


def requester_dues(ticket_ids: list[int], now: datetime | None = None) -> dict[int, dict[str, Due]]:
    """Each ticket's clocks as the requester reads them (one query for all the tickets)."""
    rows = list(SlaClock.objects.filter(ticket_id__in=ticket_ids).order_by("id"))
    out: dict[int, dict[str, Due]] = {pk: {} for pk in ticket_ids}
    out.update(dues_of(rows, now))
    return out


REPLY_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)


def when_text(due: Due) -> str:
    """'Tuesday 8 December, 14:00 (Europe/Berlin)'."""
    assert due.due_at is not None
    return f"{dateformat.format(due.due_at, 'l j F, H:i')} ({due.zone})"


_OPEN = frozenset({Standing.AHEAD, Standing.PASSED, Standing.PAUSED})


def _reply(dues: Mapping[str, Due]) -> Due | None:
    """The reply clock that matters now: the first response until it is met, then the next."""
    for metric in REPLY_METRICS:
        due = dues.get(metric)
        if due is not None and due.due_at is not None and due.standing in _OPEN:
            return due
    return None


@dataclass(frozen=True)
class Told:
    text: str
    late: bool = False  # a promise that has passed


def promise_lines(dues: Mapping[str, Due]) -> list[Told]:
    """What we tell the requester we will do and by when, honestly once a time has passed."""
    lines: list[Told] = []
    reply = _reply(dues)
    if reply is not None and reply.standing == Standing.AHEAD:
        lines.append(Told(f"We will reply by {when_text(reply)}."))
    elif reply is not None and reply.standing == Standing.PASSED:
        text = (
            f"We promised to reply by {when_text(reply)} and have not yet. We are sorry: "
            "your request is with our team and we will reply as soon as we can."
        )
        lines.append(Told(text, late=True))
    resolution = dues.get(Metric.RESOLUTION)
    if resolution is not None and resolution.due_at is not None:
        if resolution.standing == Standing.AHEAD:
            lines.append(Told(f"We aim to resolve it by {when_text(resolution)}."))
        elif resolution.standing == Standing.PASSED:
            text = (
                f"We aimed to resolve it by {when_text(resolution)} and have not yet. "
                "We are sorry: we are still working on it."
            )
            lines.append(Told(text, late=True))
    if not lines and reply is None and not dues:
        lines.append(Told("We will reply as soon as we can."))
    return lines
