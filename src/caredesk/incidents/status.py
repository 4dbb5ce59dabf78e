"""What the public status page shows, read in a constant number of queries, and the cache
that lets it be served without any.

Every public page (the board, a month of history, an incident, the Atom feed) is rendered once
and kept in Django's cache under a key holding the current *version*; a listener registered in
`IncidentsConfig.ready()` replaces the version after every timeline entry and component change
(and the maintenance screens do the same), so the next view renders afresh. Entries also expire
after `CACHE_SECONDS`, which bounds how stale time-driven parts (maintenance starting, the
figures' window moving, a process whose local cache missed a change) can be.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Subquery

from caredesk.core import clock
from caredesk.incidents import pure
from caredesk.incidents.models import (
    OPEN_STATES,
    Component,
    ComponentState,
    ComponentStateChange,
    Incident,
    IncidentComponent,
    IncidentUpdate,
    Maintenance,
    Service,
)

WINDOW_DAYS = 365
MONTHS = 12
CACHE_SECONDS = 60
VERSION_KEY = "incidents:status:version"
ORDER = list(ComponentState.values)
LABELS = dict(ComponentState.choices)

# --- the cache -----------------------------------------------------------------------------------


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        current = cache.get(VERSION_KEY) or "0"
    return str(current)


def bump(*_args: Any) -> None:
    """Make every cached public page stale (a listener: `(incident, update)` are unused)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    modified: datetime


def cached(key: str, build: Callable[[], tuple[bytes, str]]) -> Rendered:
    """The page `key` from the cache (no query), or built and kept."""
    full = f"incidents:status:{version()}:{key}"
    hit = cache.get(full)
    if isinstance(hit, Rendered):
        return hit
    body, content_type = build()
    page = Rendered(
        body=body,
        content_type=content_type,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        modified=clock.now().replace(microsecond=0),
    )
    cache.set(full, page, CACHE_SECONDS)
    return page


# --- the board -----------------------------------------------------------------------------------


@dataclass
class ComponentRow:
    component: Component
    figures: pure.Figures

    @property
    def down(self) -> bool:
        return self.component.state in pure.DOWN


@dataclass
class Group:
    service: Service
    rows: list[ComponentRow] = field(default_factory=list)

    @property
    def worst(self) -> str:
        return max((r.component.state for r in self.rows), key=ORDER.index)

    @property
    def worst_label(self) -> str:
        return LABELS[self.worst]


@dataclass
class Board:
    now: datetime
    since: datetime
    groups: list[Group]
    open_incidents: list[Incident]
    ongoing: list[Maintenance]
    upcoming: list[Maintenance]
    months: list[datetime]

    @property
    def worst(self) -> str:
        states = [g.worst for g in self.groups]
        return max(states, key=ORDER.index, default=ComponentState.OPERATIONAL)

    @property
    def worst_label(self) -> str:
        return LABELS[self.worst]


def _public_updates() -> Any:  # Prefetch (its stub's type arguments fit no real use)
    return Prefetch(
        "updates",
        queryset=IncidentUpdate.objects.filter(public=True).order_by("-at", "-id"),
        to_attr="public_updates",
    )


def _public_components() -> Any:  # Prefetch
    return Prefetch(
        "components", queryset=Component.objects.filter(public=True), to_attr="public_components"
    )


def board(now: datetime | None = None) -> Board:
    """Everything the status page shows, in eight queries whatever the history's length."""
    now = now or clock.now()
    since = now - timedelta(days=WINDOW_DAYS)
    before = ComponentStateChange.objects.filter(component=OuterRef("pk"), at__lte=since).order_by(
        "-at", "-id"
    )
    components = list(
        Component.objects.filter(public=True)
        .select_related("service")
        .annotate(before_state=Subquery(before.values("state")[:1]))
    )
    ids = [c.pk for c in components]
    changes: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for cid, at, state in (
        ComponentStateChange.objects.filter(component_id__in=ids, at__gt=since, at__lte=now)
        .order_by("component_id", "at", "id")
        .values_list("component_id", "at", "state")
    ):
        changes[cid].append((at, state))
    resolved: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for cid, started, ended in IncidentComponent.objects.filter(
        component_id__in=ids, incident__public=True, incident__resolved_at__gte=since
    ).values_list("component_id", "incident__started_at", "incident__resolved_at"):
        resolved[cid].append((started, ended))
    groups: dict[int, Group] = {}
    for c in components:
        start = max(since, c.created_at) if c.created_at < now else since
        figures = pure.figures(
            changes[c.pk],
            resolved[c.pk],
            before=getattr(c, "before_state", None) or ComponentState.OPERATIONAL,
            since=start,
            until=now,
            months=MONTHS,
        )
        groups.setdefault(c.service_id, Group(service=c.service)).rows.append(
            ComponentRow(component=c, figures=figures)
        )
    open_incidents = list(
        Incident.objects.filter(public=True, state__in=OPEN_STATES)
        .order_by("-severity", "-started_at")
        .prefetch_related(_public_updates(), _public_components())
    )
    maintenance = list(
        Maintenance.objects.filter(ends_at__gt=now)
        .order_by("starts_at")
        .prefetch_related(_public_components())[:50]
    )
    return Board(
        now=now,
        since=since,
        groups=sorted(groups.values(), key=lambda g: (g.service.position, g.service.name)),
        open_incidents=open_incidents,
        ongoing=[m for m in maintenance if m.starts_at <= now],
        upcoming=[m for m in maintenance if m.starts_at > now],
        months=[m for m, _e in pure.months_back(now, MONTHS)],
    )


# --- history, one incident, the feed -------------------------------------------------------------


def month_incidents(start: datetime, end: datetime) -> list[Incident]:
    """The public incidents that started within `[start, end)`, newest first (three queries)."""
    return list(
        Incident.objects.filter(public=True, started_at__gte=start, started_at__lt=end)
        .order_by("-started_at", "-id")
        .prefetch_related(_public_updates(), _public_components())[:500]
    )


def public_incident(number: int) -> Incident | None:
    return (
        Incident.objects.filter(public=True, number=number)
        .prefetch_related(_public_updates(), _public_components())
        .first()
    )


def feed_updates(limit: int = 50) -> list[IncidentUpdate]:
    """The latest public updates of public incidents, newest first (one query)."""
    return list(
        IncidentUpdate.objects.filter(public=True, incident__public=True)
        .select_related("incident")
        .order_by("-at", "-id")[:limit]
    )


def resolve_minutes(incident: Incident) -> int | None:
    if incident.resolved_at is None:
        return None
    return pure.mean_time_to_resolve(
        [(incident.started_at, incident.resolved_at)],
        incident.started_at,
        incident.resolved_at + timedelta(seconds=1),
    )
