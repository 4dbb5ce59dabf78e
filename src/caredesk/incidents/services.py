"""The one writer of incidents and component states. Screens, the API, monitors and rules call
these; each change is one transaction. Paging goes through the on-call escalation policies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max

from caredesk.accounts.models import Organization, Team, User
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.incidents.models import (
    OPEN_STATES,
    Component,
    ComponentState,
    ComponentStateChange,
    Incident,
    IncidentComponent,
    IncidentState,
    IncidentUpdate,
    SeverityTarget,
    Source,
)

if TYPE_CHECKING:
    from caredesk.oncall.models import Page

log = logging.getLogger(__name__)

# Who hears of a change, after the transaction commits: `(incident, update)` for each new
# timeline entry (declare, update, resolve); `(None, None)` for a component state change made
# outside an incident. Filled in `IncidentsConfig.ready()` (requester fan-out, subscribers,
# the status page's cache); a listener that fails is logged and never undoes the change.
Listener = Callable[["Incident | None", "IncidentUpdate | None"], None]
_listeners: list[Listener] = []


def listener_register(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _tell(incident: Incident | None, update: IncidentUpdate | None) -> None:
    def run() -> None:
        for listener in list(_listeners):
            try:
                listener(incident, update)
            except Exception:
                log.exception("incident listener %s failed", getattr(listener, "__name__", "?"))

    transaction.on_commit(run)


def component_set_state(
    *,
    component: Component,
    state: str,
    incident: Incident | None = None,
    at: datetime | None = None,
) -> bool:
    """Put `component` in `state` from `at` (now); records one history row per real change.
    Returns whether the state changed."""
    if state not in ComponentState.values:
        raise ValidationFailed(
            "Unknown component state.", errors={"state": ["Unknown component state."]}
        )
    at = at or clock.now()
    with transaction.atomic():
        current = Component.objects.select_for_update().get(pk=component.pk)
        if current.state == state:
            return False
        Component.objects.filter(pk=component.pk).update(state=state, state_since=at)
        ComponentStateChange.objects.create(
            component=component, state=state, at=at, incident=incident
        )
        if incident is None:
            _tell(None, None)
    component.state, component.state_since = state, at
    return True


def component_worst_open_state(component: Component) -> str:
    """The state the component's open incidents put it in (operational when none)."""
    order = list(ComponentState.values)
    states = IncidentComponent.objects.filter(
        component=component, incident__state__in=OPEN_STATES
    ).values_list("state", flat=True)
    return max(states, key=order.index, default=ComponentState.OPERATIONAL)


def target_for(severity: int) -> SeverityTarget | None:
    return SeverityTarget.objects.filter(severity=severity).first()


def _next_number() -> int:
    return (Incident.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def incident_declare(
    *,
    title: str,
    severity: int,
    actor: User | None,
    body: str = "",
    components: Iterable[tuple[Component, str]] = (),
    organizations: Sequence[Organization] = (),
    team: Team | None = None,
    source: str = Source.PERSON,
    symptom: str = "",
    public: bool = True,
    commander: User | None = None,
    communications: User | None = None,
    page: bool | None = None,
) -> Incident:
    """Declare an incident: its first timeline entry, the affected components' states, and a
    page to the on-call engineer of `team` (or of the first affected component's team) when the
    severity's target says so (or `page` is True)."""
    title = title.strip()
    if not title:
        raise ValidationFailed(
            "Give the incident a title.", errors={"title": ["Give the incident a title."]}
        )
    if severity not in (1, 2, 3, 4):
        raise ValidationFailed("Severity is 1 to 4.", errors={"severity": ["Severity is 1 to 4."]})
    affected = list(components)
    now = clock.now()
    team = team or next((c.team for c, _s in affected if c.team_id), None)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    number=_next_number(),
                    title=title[:200],
                    severity=severity,
                    source=source,
                    symptom=symptom[:200],
                    public=public,
                    team=team,
                    commander=commander,
                    communications=communications,
                    declared_by=actor,
                    started_at=now,
                    updated_at=now,
                )
                break
        except IntegrityError:  # two declared at once drew the same number
            continue
    else:
        raise Conflict("Could not number the incident; try again.")
    with transaction.atomic():
        if organizations:
            incident.organizations.set(organizations)
        for component, state in affected:
            IncidentComponent.objects.create(incident=incident, component=component, state=state)
        first = IncidentUpdate.objects.create(
            incident=incident,
            at=now,
            author=actor,
            state=IncidentState.INVESTIGATING,
            body=body.strip() or "We are investigating.",
            public=public,
        )
        _tell(incident, first)
        for component, _state in affected:
            component_set_state(
                component=component,
                state=component_worst_open_state(component),
                incident=incident,
                at=now,
            )
        target = target_for(severity)
        if team is not None and (page if page is not None else bool(target and target.page)):
            incident.page = _page(incident, team)
            incident.save(update_fields=["page"])
    return incident


def _page(incident: Incident, team: Team) -> Page | None:
    """Page `team` through its escalation policy; None when it has no policy or schedule."""
    from caredesk.oncall import selectors as oncall_selectors
    from caredesk.oncall.services import page_open

    if (
        oncall_selectors.default_policy(team) is None
        and oncall_selectors.team_schedule(team) is None
    ):
        log.warning("incident %s: team %s has no on-call policy to page", incident.number, team.pk)
        return None
    return page_open(
        team=team, text=f"INC-{incident.number} Sev {incident.severity}: {incident.title}"
    )


def incident_acknowledge(*, incident: Incident, user: User, at: datetime | None = None) -> bool:
    """The first acknowledgement starts nothing new but stops the clock on time to acknowledge
    (and the page's escalation). Returns whether this was the first."""
    at = at or clock.now()
    changed = Incident.objects.filter(pk=incident.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at, acknowledged_by=user, updated_at=at
    )
    incident.refresh_from_db()
    if changed and incident.page_id is not None:
        from caredesk.oncall.models import Page
        from caredesk.oncall.services import page_acknowledge

        page = Page.objects.get(pk=incident.page_id)
        page_acknowledge(page=page, user=user, via="incident")
    return bool(changed)


def page_acknowledged(page: Page, user: User) -> None:
    """The on-call app's acknowledgement listener: the incident that sent `page` is
    acknowledged by whoever acknowledged the page, at that instant (time to acknowledge)."""
    for incident in Incident.objects.filter(page_id=page.pk, acknowledged_at__isnull=True):
        incident_acknowledge(incident=incident, user=user, at=page.acknowledged_at)


def incident_update_post(
    *,
    incident: Incident,
    actor: User | None,
    body: str,
    state: str | None = None,
    public: bool = True,
    notify: bool = False,
) -> IncidentUpdate:
    """Add a timeline entry (optionally moving the state on). Resolving goes through
    `incident_resolve`, which also settles the components."""
    body = body.strip()
    if not body:
        raise ValidationFailed("Write the update.", errors={"body": ["Write the update."]})
    state = state or incident.state
    if state not in IncidentState.values:
        raise ValidationFailed(
            "Unknown incident state.", errors={"state": ["Unknown incident state."]}
        )
    if incident.state == IncidentState.RESOLVED:
        raise Conflict("The incident is resolved; reopen it to post updates.")
    if state == IncidentState.RESOLVED:
        return incident_resolve(incident=incident, actor=actor, body=body, notify=notify)
    now = clock.now()
    with transaction.atomic():
        update = IncidentUpdate.objects.create(
            incident=incident, at=now, author=actor, state=state, body=body[:5000],
            public=public, notify=notify,
        )  # fmt: skip
        Incident.objects.filter(pk=incident.pk).update(state=state, updated_at=now)
        _tell(incident, update)
    incident.state, incident.updated_at = state, now
    return update


def incident_resolve(
    *, incident: Incident, actor: User | None, body: str = "", notify: bool = True
) -> IncidentUpdate:
    """Resolve: the last timeline entry, the components back to the state their other open
    incidents leave them in (operational when none)."""
    if incident.state == IncidentState.RESOLVED:
        raise Conflict("The incident is already resolved.")
    now = clock.now()
    with transaction.atomic():
        update = IncidentUpdate.objects.create(
            incident=incident, at=now, author=actor, state=IncidentState.RESOLVED,
            body=body.strip()[:5000] or "This incident is resolved.", public=incident.public,
            notify=notify,
        )  # fmt: skip
        Incident.objects.filter(pk=incident.pk).update(
            state=IncidentState.RESOLVED, resolved_at=now, updated_at=now
        )
        incident.state, incident.resolved_at, incident.updated_at = IncidentState.RESOLVED, now, now
        for component in incident.components.all():
            component_set_state(
                component=component, state=component_worst_open_state(component), at=now
            )
        _tell(incident, update)
        if incident.page_id is not None and actor is not None:
            from caredesk.oncall.models import Page
            from caredesk.oncall.services import page_resolve

            page_resolve(page=Page.objects.get(pk=incident.page_id), user=actor)
    return update
