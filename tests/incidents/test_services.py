"""Declaring and resolving incidents: numbering, the timeline, and the components' states and
their history (each real change one row)."""

from __future__ import annotations

import pytest

from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.incidents.models import (
    Component,
    ComponentState,
    ComponentStateChange,
    IncidentState,
    Service,
)
from caredesk.incidents.services import (
    component_set_state,
    incident_acknowledge,
    incident_declare,
    incident_resolve,
    incident_update_post,
)
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _component(name: str) -> Component:
    service, _ = Service.objects.get_or_create(name="Video visits")
    return Component.objects.create(
        service=service, name=name, slug=name.lower().replace(" ", "-"),
        state_since=clock.now(), created_at=clock.now(),
    )  # fmt: skip


def test_two_incidents_on_one_component_leave_it_down_until_both_resolve():
    agent = AgentFactory()
    rooms = _component("Video rooms")
    first = incident_declare(
        title="Video rooms fail to connect", severity=2, actor=agent,
        components=[(rooms, ComponentState.MAJOR_OUTAGE)],
    )  # fmt: skip
    second = incident_declare(
        title="Slow joining", severity=3, actor=agent,
        components=[(rooms, ComponentState.DEGRADED)],
    )  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    rooms.refresh_from_db()
    assert rooms.state == ComponentState.MAJOR_OUTAGE

    incident_resolve(incident=first, actor=agent, body="Fixed the media relay.")
    rooms.refresh_from_db()
    assert rooms.state == ComponentState.DEGRADED
    incident_resolve(incident=second, actor=agent)
    rooms.refresh_from_db()
    assert rooms.state == ComponentState.OPERATIONAL
    states = list(
        ComponentStateChange.objects.filter(component=rooms).values_list("state", flat=True)
    )
    assert states == ["major_outage", "degraded", "operational"]
    assert [u.state for u in first.updates.order_by("at", "id")] == ["investigating", "resolved"]


def test_acknowledging_counts_once_and_resolved_incidents_refuse_updates():
    agent, other = AgentFactory(), AgentFactory()
    incident = incident_declare(title="Scheduling down", severity=1, actor=agent)
    assert incident_acknowledge(incident=incident, user=agent) is True
    assert incident_acknowledge(incident=incident, user=other) is False
    assert incident.acknowledged_by == agent
    incident_update_post(
        incident=incident, actor=agent, body="Found it.", state=IncidentState.IDENTIFIED
    )
    assert incident.state == IncidentState.IDENTIFIED
    incident_resolve(incident=incident, actor=agent)
    with pytest.raises(Conflict):
        incident_update_post(incident=incident, actor=agent, body="again")
    with pytest.raises(ValidationFailed) as refused:
        incident_declare(title=" ", severity=1, actor=agent)
    assert "title" in refused.value.errors


def test_setting_the_same_state_writes_no_history():
    rooms = _component("Waiting room")
    assert component_set_state(component=rooms, state=ComponentState.OPERATIONAL) is False
    assert component_set_state(component=rooms, state=ComponentState.DEGRADED) is True
    assert ComponentStateChange.objects.filter(component=rooms).count() == 1
