"""Reads: policies in order, calendars as pure BusinessCalendar objects (cached by version)."""

from __future__ import annotations

import threading
from datetime import datetime

from caredesk.core.clock import now as clock_now
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar, SlaPolicy
from caredesk.tickets.models import Ticket

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


def policies() -> list[SlaPolicy]:
    """Active policies in order, with what matching and targeting need."""
    return list(
        SlaPolicy.objects.filter(active=True)
        .prefetch_related("organizations", "categories", "targets__calendar")
        .order_by("position", "id")
    )


def policy_matches(policy: SlaPolicy, ticket: Ticket) -> bool:
    plan = ticket.organization.plan if ticket.organization_id and ticket.organization else None
    checks = [
        not policy.plans or plan in policy.plans,
        not policy.channels or ticket.channel in policy.channels,
        not policy.priorities or ticket.priority in policy.priorities,
    ]
    orgs = {o.pk for o in policy.organizations.all()}
    cats = {c.pk for c in policy.categories.all()}
    checks.append(not orgs or ticket.organization_id in orgs)
    checks.append(not cats or ticket.category_id in cats)
    return all(checks)


def policy_for(ticket: Ticket, candidates: list[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The first active policy, in admin order, whose conditions the ticket meets."""
    for policy in policies() if candidates is None else candidates:
        if policy_matches(policy, ticket):
            return policy
    return None
