"""Clocks that belong to something a ticket carries (an RMA's diagnosis, repair and shipping
targets). Their owner starts and stops them; the periodic sweep (`services.sla_tick`) fires
their warnings and breach as SLA events on the owner's ticket, exactly like a ticket's own
clocks, so the protocols and the ticket watchers hear them in the sweep's transaction.

A subject is "kind:id" ("rma:12"); the metric says which target ("rma.diagnosis"), and the
event's data carries the metric and its label, so the owner recognises its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import connection

from caredesk.core import clock as clock_source
from caredesk.sla import clocks
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar, SubjectClock
from caredesk.sla.selectors import business_calendar, pure_clock
from caredesk.tickets.models import TicketEvent
from caredesk.tickets.services import events as ticket_events
from caredesk.tickets.services.reactions import clocks_fired


def around_the_clock() -> Calendar:
    """The 24/7 calendar (calendar days and hours); made when none exists."""
    found = Calendar.objects.filter(always_open=True).order_by("pk").first()
    if found is None:
        found = Calendar.objects.create(
            name="24/7", timezone="UTC", always_open=True, weekly_hours={}
        )
    return found


def _store(row: SubjectClock, c: clocks.Clock, cal: BusinessCalendar) -> None:
    row.elapsed_seconds = c.elapsed.total_seconds()
    row.running_since = c.running_since
    row.stopped_at = c.stopped_at
    row.breached_at = c.breached_at
    row.warnings_fired = list(c.warnings_fired)
    row.due_at = clocks.due_at(cal, c)
    row.next_check_at = clocks.next_check(cal, c, _fractions(row))


def _fractions(row: SubjectClock) -> tuple[float, ...]:
    return tuple(float(f) for f in row.warn_at or [])


def subject_clock_start(
    *,
    subject: str,
    metric: str,
    label: str,
    ticket_id: int,
    target: timedelta,
    warn_at: Iterable[float] = (),
    calendar: Calendar | None = None,
    now: datetime | None = None,
) -> SubjectClock:
    """Start (or restart from zero) the subject's clock for `metric`, counting on `calendar`
    (the 24/7 one unless given)."""
    now = now or clock_source.now()
    calendar = calendar or around_the_clock()
    row = SubjectClock.objects.filter(subject=subject, metric=metric).first() or SubjectClock(
        subject=subject, metric=metric
    )
    row.label, row.ticket_id, row.calendar = label, ticket_id, calendar
    row.target_seconds = int(target.total_seconds())
    row.warn_at = sorted(float(f) for f in warn_at if 0 < f < 1)
    row.started_at = now
    c = clocks.start(target, now)
    row.breached_at = None
    _store(row, c, business_calendar(calendar))
    row.save()
    return row


def subject_clock_stop(
    *, subject: str, metrics: Iterable[str] | None = None, now: datetime | None = None
) -> list[TicketEvent]:
    """Stop the subject's running clocks (those of `metrics`, or all): a target met, or no
    longer owed. A clock stopped after its due instant before the sweep saw it is recorded
    as breached now; returns those events, already written."""
    now = now or clock_source.now()
    qs = SubjectClock.objects.select_related("calendar").filter(
        subject=subject, stopped_at__isnull=True
    )
    if metrics is not None:
        qs = qs.filter(metric__in=list(metrics))
    events: list[TicketEvent] = []
    for row in qs:
        if row.calendar is None:
            row.stopped_at, row.running_since, row.next_check_at = now, None, None
            row.save()
            continue
        cal = business_calendar(row.calendar)
        before = row.breached_at
        c = clocks.stop(cal, pure_clock(row), now)
        _store(row, c, cal)
        row.save()
        if before is None and c.breached_at is not None:
            events.append(_breached(row, c.breached_at, now))
    ticket_events.record(*events)
    if events:
        clocks_fired(written=events)
    return events


def _breached(row: SubjectClock, due: datetime, at: datetime) -> TicketEvent:
    return ticket_events.sla_breached(
        ticket_id=row.ticket_id,
        metric=row.metric,
        due_at=due,
        at=at,
        label=row.label,
        subject=row.subject,
    )


def fire(row: SubjectClock, now: datetime) -> list[TicketEvent]:
    """Advance one locked subject clock to `now`: the events it owes, in order."""
    if row.calendar is None:
        row.next_check_at = None
        return []
    cal = business_calendar(row.calendar)
    c = pure_clock(row)
    events: list[TicketEvent] = []
    for fraction, when in clocks.warning_instants(cal, c, _fractions(row)):
        if when <= now:
            events.append(
                ticket_events.sla_warning(
                    ticket_id=row.ticket_id,
                    metric=row.metric,
                    fraction=fraction,
                    due_at=row.due_at,
                    when=when,
                    at=now,
                    label=row.label,
                    subject=row.subject,
                )
            )
            c = replace(c, warnings_fired=(*c.warnings_fired, fraction))
    due = clocks.due_at(cal, c)
    if c.breached_at is None and due is not None and due <= now:
        events.append(_breached(row, due, now))
        c = replace(c, breached_at=due)
    _store(row, c, cal)
    return events


TICK_FIELDS = ["warnings_fired", "breached_at", "due_at", "next_check_at"]


def due_subject_clocks(now: datetime, limit: int) -> list[SubjectClock]:
    """Up to `limit` subject clocks due at `now`, locked (others' locks are skipped); call in a
    transaction."""
    qs = (
        SubjectClock.objects.select_related("calendar")
        .filter(next_check_at__lte=now)
        .order_by("next_check_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:limit])


@dataclass(frozen=True)
class SubjectClockView:
    """What a screen shows of one subject clock."""

    metric: str
    label: str
    state: str  # ok | warning | breached | met | paused
    due_at: datetime | None
    remaining: str
    late: bool
    stopped_at: datetime | None
    breached_at: datetime | None


def subject_clocks(
    subjects: Iterable[str], now: datetime | None = None
) -> dict[str, list[SubjectClockView]]:
    """The clocks of these subjects as screens show them (one query, whatever their number)."""
    now = now or clock_source.now()
    wanted = list(subjects)
    out: dict[str, list[SubjectClockView]] = {s: [] for s in wanted}
    for row in SubjectClock.objects.select_related("calendar").filter(subject__in=wanted):
        out.setdefault(row.subject, []).append(view_of(row, now))
    return out


def view_of(row: SubjectClock, now: datetime) -> SubjectClockView:
    cal = business_calendar(row.calendar) if row.calendar else BusinessCalendar.always()
    fractions = _fractions(row)
    b = clocks.badge(cal, pure_clock(row), now, fractions[0] if fractions else 0.75)
    return SubjectClockView(
        metric=row.metric,
        label=row.label,
        state=str(b.state),
        due_at=b.due_at or row.due_at,
        remaining=clocks.humanize(b.remaining),
        late=b.remaining < timedelta(0),
        stopped_at=row.stopped_at,
        breached_at=row.breached_at,
    )
