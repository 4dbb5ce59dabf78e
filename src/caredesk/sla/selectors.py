"""Reads: policies in order, calendars as pure BusinessCalendar objects (cached by version)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from caredesk.accounts.models import Organization
from caredesk.core.clock import now as clock_now
from caredesk.core.confcache import cached
from caredesk.sla import clocks
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar, Metric, SlaClock, SlaPolicy, SlaTarget, SubjectClock
from caredesk.sla.plans import ticket_plans
from caredesk.tickets.models import RequestType, Ticket

_cache: dict[tuple[int, datetime], BusinessCalendar] = {}
_lock = threading.Lock()


def business_calendar(calendar: Calendar) -> BusinessCalendar:
    """The pure calendar for a row; rebuilt only when the row changes."""
    key = (calendar.pk, calendar.updated_at)
    found = _cache.get(key)
    if found is not None:
        return found
    if calendar.always_open:
        built = BusinessCalendar.always(calendar.timezone)
    else:
        holidays = calendar.parsed_holidays()
        if calendar.holiday_country:
            this_year = clock_now().year
            years = range(this_year - 3, this_year + 8)
            holidays |= BusinessCalendar.country_holidays(
                calendar.holiday_country, years, subdiv=calendar.holiday_subdivision or None
            )
        built = BusinessCalendar(calendar.timezone, calendar.parsed_hours(), holidays)
    with _lock:
        for stale in [k for k in _cache if k[0] == calendar.pk]:
            del _cache[stale]
        _cache[key] = built
    return built


@dataclass(frozen=True)
class Snapshot:
    """SLA configuration as one process keeps it between changes (see core.confcache)."""

    active: list[SlaPolicy]  # in the order they are tried
    policies: dict[int, SlaPolicy]  # every policy, active or not, by id
    calendars: dict[int, Calendar]


def _load() -> Snapshot:
    every = list(
        SlaPolicy.objects.select_related("clinical_calendar")
        .prefetch_related("organizations", "categories", "targets__calendar")
        .order_by("position", "id")
    )
    return Snapshot(
        active=[p for p in every if p.active],
        policies={p.pk: p for p in every},
        calendars={c.pk: c for c in Calendar.objects.all()},
    )


DISPLAY_MAX_AGE = 2.0  # seconds another process's change may take to reach a badge


def snapshot(*, for_display: bool = False) -> Snapshot:
    """The SLA configuration; writers always check it is current, badges trust a recent check."""
    return cached("sla", _load, max_age=DISPLAY_MAX_AGE if for_display else 0.0)


def policies() -> list[SlaPolicy]:
    """Active policies in order, with what matching and targeting need (a shared snapshot)."""
    return snapshot().active


def policy_matches(policy: SlaPolicy, ticket: Ticket, plans: frozenset[str] | None = None) -> bool:
    """Whether the ticket meets the policy's conditions; `plans`: the plans it meets
    (sla.plans.ticket_plans), read here when not given."""
    if plans is None:
        plans = ticket_plans([ticket])[0]
    checks = [
        not policy.plans or any(p in plans for p in policy.plans),
        not policy.channels or ticket.channel in policy.channels,
        not policy.priorities or ticket.priority in policy.priorities,
    ]
    orgs = {o.pk for o in policy.organizations.all()}
    cats = {c.pk for c in policy.categories.all()}
    checks.append(not orgs or ticket.organization_id in orgs)
    checks.append(not cats or ticket.category_id in cats)
    return all(checks)


def policy_for(
    ticket: Ticket,
    candidates: list[SlaPolicy] | None = None,
    plans: frozenset[str] | None = None,
) -> SlaPolicy | None:
    """The first active policy, in admin order, whose conditions the ticket meets."""
    if plans is None:
        plans = ticket_plans([ticket])[0]
    for policy in policies() if candidates is None else candidates:
        if policy_matches(policy, ticket, plans):
            return policy
    return None


def flagged(ticket: Ticket) -> bool:
    """Whether the safety screen (or an agent) flagged the ticket: it then counts on its
    policy's clinical calendar."""
    return bool(ticket.safety)


def calendar_for(policy: SlaPolicy, target: SlaTarget, ticket: Ticket) -> Calendar:
    """The calendar a target counts on for this ticket: the policy's clinical calendar when the
    ticket is flagged, else the target's own."""
    if policy.clinical_calendar is not None and flagged(ticket):
        return policy.clinical_calendar
    return target.calendar


def pure_clock(row: SlaClock | SubjectClock) -> clocks.Clock:
    return clocks.Clock(
        target=timedelta(seconds=row.target_seconds),
        elapsed=timedelta(seconds=row.elapsed_seconds),
        running_since=row.running_since,
        stopped_at=row.stopped_at,
        breached_at=row.breached_at,
        warnings_fired=tuple(row.warnings_fired or ()),
    )


@dataclass(frozen=True)
class ClockView:
    metric: str
    label: str
    target: timedelta
    badge: clocks.Badge


def _view(
    row: SlaClock, now: datetime, policy: SlaPolicy | None, calendar: Calendar | None
) -> ClockView | None:
    if calendar is None:
        return None
    fractions = [float(f) for f in (policy.warn_at if policy else [])] or [0.75]
    badge = clocks.badge(business_calendar(calendar), pure_clock(row), now, min(fractions))
    return ClockView(
        metric=row.metric,
        label=Metric(row.metric).label,
        target=timedelta(seconds=row.target_seconds),
        badge=badge,
    )


def sla_views(ticket_ids: list[int], now: datetime | None = None) -> dict[int, list[ClockView]]:
    """Every clock of the given tickets as badges, in one query (for lists and ticket pages)."""
    rows = SlaClock.objects.filter(ticket_id__in=ticket_ids).order_by("ticket_id", "id")
    out: dict[int, list[ClockView]] = {tid: [] for tid in ticket_ids}
    out.update(views_of(list(rows), now))
    return out


def views_of(rows: list[SlaClock], now: datetime | None = None) -> dict[int, list[ClockView]]:
    """Badges for clock rows already in memory, by ticket id."""
    now = now or clock_now()
    config = snapshot(for_display=True)
    out: dict[int, list[ClockView]] = {}
    for row in rows:
        policy = config.policies.get(row.policy_id) if row.policy_id else None
        calendar = config.calendars.get(row.calendar_id) if row.calendar_id else None
        view = _view(row, now, policy, calendar)
        if view is not None:
            out.setdefault(row.ticket_id, []).append(view)
    return out


_RANK = {
    clocks.BadgeState.BREACHED: 0,
    clocks.BadgeState.WARNING: 1,
    clocks.BadgeState.OK: 2,
    clocks.BadgeState.PAUSED: 3,
    clocks.BadgeState.MET: 4,
}


def headline(views: list[ClockView]) -> ClockView | None:
    """The clock an agent should look at first: the worst open one, soonest due."""
    live = [v for v in views if v.badge.state != clocks.BadgeState.MET]
    if not live:
        return None
    return min(live, key=lambda v: (_RANK[v.badge.state], v.badge.remaining))


@dataclass(frozen=True)
class Achievement:
    priority: int
    metric: str
    total: int
    met: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


def achievement(start: datetime, end: datetime) -> list[Achievement]:
    """Share of clocks met per level and metric, for clocks started in [start, end).

    A clock counts once it is decided: stopped, or breached. Running clocks not yet breached
    are left out (their outcome is unknown).
    """
    rows = (
        SlaClock.objects.filter(started_at__gte=start, started_at__lt=end)
        .filter(Q(stopped_at__isnull=False) | Q(breached_at__isnull=False))
        .values("ticket__priority", "metric")
        .annotate(total=Count("id"), met=Count("id", filter=Q(breached_at__isnull=True)))
        .order_by("ticket__priority", "metric")
    )
    return [
        Achievement(
            priority=r["ticket__priority"], metric=r["metric"], total=r["total"], met=r["met"]
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Promise:
    """What the policy that would apply promises a requester for one level."""

    level: int
    first_response: timedelta | None
    resolution: timedelta | None
    around_the_clock: bool  # the first-response target counts on a 24/7 calendar
    resolution_around_the_clock: bool


def promises(
    *, organization: Organization | None, channel: str, category: RequestType | None
) -> dict[int, Promise]:
    """Per level, the first-response and resolution targets of the policy a ticket from this
    organization, channel and request type would get (one snapshot read, no query per level)."""
    out: dict[int, Promise] = {}
    for level in (1, 2, 3, 4):
        probe = Ticket(
            organization=organization, channel=channel, category=category, priority=level
        )
        policy = policy_for(probe)
        found: dict[str, SlaTarget] = {}
        if policy is not None:
            found = {t.metric: t for t in policy.targets.all() if t.priority == level}
        first, resolution = found.get(Metric.FIRST_RESPONSE), found.get(Metric.RESOLUTION)
        out[level] = Promise(
            level=level,
            first_response=timedelta(minutes=first.minutes) if first else None,
            resolution=timedelta(minutes=resolution.minutes) if resolution else None,
            around_the_clock=bool(first and first.calendar.always_open),
            resolution_around_the_clock=bool(resolution and resolution.calendar.always_open),
        )
    return out
