"""`caredesk sla explain`: the whole SLA story of one ticket, to settle a dispute."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caredesk.core import clock as clock_source
from caredesk.sla import clocks
from caredesk.sla.models import SlaClock
from caredesk.sla.selectors import business_calendar, pure_clock
from caredesk.tickets.models import EventKind, Ticket

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z") if value else "-"


def _hours(seconds: float) -> str:
    return clocks.humanize(timedelta(seconds=seconds))


def _calendar_line(row: SlaClock) -> str:
    cal = row.calendar
    if cal is None:
        return "Calendar: (deleted)"
    if cal.always_open:
        return f"Calendar: {cal.name} (24/7)"
    hours = "; ".join(
        f"{WEEKDAYS[int(d)]} " + ", ".join(f"{a}-{b}" for a, b in ivs)
        for d, ivs in sorted(cal.weekly_hours.items(), key=lambda kv: int(kv[0]))
        if ivs
    )
    extra = f", public holidays of {cal.holiday_country}" if cal.holiday_country else ""
    listed = f", {len(cal.holidays)} listed holidays" if cal.holidays else ""
    return f"Calendar: {cal.name} ({cal.timezone}: {hours}{extra}{listed})"


def _clock_lines(row: SlaClock, now: datetime, zone: ZoneInfo) -> list[str]:
    if row.calendar is None:
        return [f"  {row.get_metric_display()}: calendar deleted"]
    cal = business_calendar(row.calendar)
    c = pure_clock(row)
    used = clocks.used(cal, c, now)
    badge = clocks.badge(cal, c, now)
    target = timedelta(seconds=row.target_seconds)
    lines = [
        f"  {row.get_metric_display()}: target {clocks.humanize(target)} of business time",
        f"    started  {_when(row.started_at, zone)}",
        f"    used     {clocks.humanize(used)}",
    ]
    if row.stopped_at:
        lines.append(f"    stopped  {_when(row.stopped_at, zone)}")
    elif row.running_since is None:
        lines.append("    paused   now")
    else:
        lines.append(f"    due      {_when(row.due_at, zone)}")
    if row.breached_at:
        lines.append(f"    breached {_when(row.breached_at, zone)}")
    late = used - target
    if badge.state == clocks.BadgeState.MET:
        lines.append(f"    MET with {clocks.humanize(-late)} to spare")
    elif late > timedelta(0):
        lines.append(f"    BREACHED by {clocks.humanize(late)}")
    else:
        lines.append(f"    {badge.state.upper()}: {clocks.humanize(-late)} left")
    return lines


def _timeline(ticket: Ticket, zone: ZoneInfo, pause_statuses: set[str]) -> list[str]:
    lines = []
    pause_start: datetime | None = None
    for e in ticket.events.select_related("actor_user", "actor_contact").order_by("id"):
        who = e.actor_name
        at = _when(e.created_at, zone)
        if e.kind == EventKind.CREATED:
            lines.append(f"  {at}  opened at level {e.data.get('priority')} by {who}")
        elif e.kind == EventKind.STATUS_CHANGED:
            note = ""
            if e.new in pause_statuses and pause_start is None:
                pause_start, note = e.created_at, "  (resolution clock paused)"
            elif e.new not in pause_statuses and pause_start is not None:
                paused_for = clocks.humanize(e.created_at - pause_start)
                note = f"  (resolution clock resumed after {paused_for} paused)"
                pause_start = None
            lines.append(f"  {at}  status {e.old} -> {e.new} by {who}{note}")
        elif e.kind == EventKind.FIELD_CHANGED and e.field == "priority":
            lines.append(f"  {at}  level {e.old} -> {e.new} by {who} (targets re-applied)")
        elif e.kind == EventKind.MESSAGE_ADDED:
            lines.append(f"  {at}  {e.data.get('kind')} message by {who}")
        elif e.kind == EventKind.SLA_WARNING:
            pct = round(float(e.data.get("fraction", 0)) * 100)
            lines.append(f"  {at}  warning: {e.data.get('metric')} at {pct} %")
        elif e.kind == EventKind.SLA_BREACHED:
            lines.append(f"  {at}  BREACH: {e.data.get('metric')} (was due {e.data.get('due_at')})")
    return lines


def explain(ticket: Ticket, now: datetime | None = None) -> str:
    """A plain-text account of the ticket's SLA: calendar, policy, targets, pauses, outcome."""
    now = now or clock_source.now()
    rows = list(ticket.sla_clocks.select_related("calendar", "policy").order_by("id"))
    out = [f"{ticket.ref}  {ticket.subject}", f"Level {ticket.priority}, status {ticket.status}"]
    if not rows:
        out.append("No SLA policy applies to this ticket.")
        return "\n".join(out)
    zone = ZoneInfo(rows[0].calendar.timezone if rows[0].calendar else "UTC")
    policy = rows[0].policy
    out.append(f"Policy: {policy.name if policy else '(deleted)'}")
    out.append(_calendar_line(rows[0]))
    out.append(f"Times below are in {zone.key}.")
    out.append("Clocks:")
    for row in rows:
        out.extend(_clock_lines(row, now, zone))
    out.append("Timeline:")
    pauses = set(policy.pause_statuses) if policy else set()
    out.extend(_timeline(ticket, zone, pauses))
    return "\n".join(out)
