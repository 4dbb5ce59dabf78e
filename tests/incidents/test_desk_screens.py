"""The incident desk's screens: declaring (refusals field by field), the incident page's live
targets, linking from the queue's selection and the ticket page, resolving with tickets kept
open, and the severity targets' screen."""

from __future__ import annotations

import pytest

from caredesk.incidents.models import (
    Component,
    ComponentState,
    Incident,
    IncidentTicket,
    Service,
    SeverityTarget,
)
from caredesk.incidents.services import incident_declare
from caredesk.tickets.models import Status
from tests.factories import AgentFactory, ContactFactory, make_ticket, signed_in, supervisor

pytestmark = pytest.mark.django_db


def _rooms(clock) -> Component:
    service = Service.objects.create(name="Video visits")
    return Component.objects.create(
        service=service, name="Video rooms", slug="video-rooms",
        state_since=clock(), created_at=clock(),
    )  # fmt: skip


def test_an_agent_declares_and_the_page_counts_the_targets_down(clock):
    rooms = _rooms(clock)
    agent = AgentFactory()
    client = signed_in(agent)
    refused = client.post("/agent/incidents/declare/", {"title": " ", "severity": "9"})
    assert refused.status_code == 422
    assert b"This field is required." in refused.content
    assert b"Select a valid choice" in refused.content

    answer = client.post(
        "/agent/incidents/declare/",
        {
            "title": "Video rooms fail to connect",
            "severity": "1",
            "body": "Patients see a spinner.",
            "symptom": "Spinner, connect!",
            f"component_{rooms.pk}": ComponentState.MAJOR_OUTAGE,
            "commander": agent.pk,
            "public": "on",
        },
    )
    incident = Incident.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/agent/incidents/{incident.number}/"
    assert (incident.severity, incident.symptom, incident.commander) == (
        1,
        "spinner connect",
        agent,
    )
    rooms.refresh_from_db()
    assert rooms.state == ComponentState.MAJOR_OUTAGE

    clock.advance(minutes=2)
    page = client.get(answer["Location"]).content.decode()
    assert "Acknowledge within 5 min:</strong> 3 min left" in page
    assert "Resolve within 1 h 00 min:</strong> 58 min left" in page
    clock.advance(minutes=5)
    live = client.get(f"/agent/incidents/{incident.number}/clocks/").content.decode()
    assert "missed by 2 min" in live
    client.post(f"/agent/incidents/{incident.number}/acknowledge/")
    incident.refresh_from_db()
    assert incident.acknowledged_by == agent
    listed = client.get("/agent/incidents/").content.decode()
    assert "Acknowledge within 5 min: missed by 2 min" in listed


def test_the_queue_selection_and_the_ticket_page_link_tickets(clock):
    agent = AgentFactory()
    incident = incident_declare(title="Scheduling down", severity=2, actor=agent)
    tickets = [make_ticket(ContactFactory(), subject="Cannot book") for _ in range(3)]
    client = signed_in(supervisor())
    answer = client.post(
        "/agent/incidents/link/",
        {"ticket": [t.pk for t in tickets[:2]], "incident": f"INC-{incident.number}",
         "back": "?queue=all"},
    )  # fmt: skip
    assert answer["Location"] == "/agent/?queue=all"
    assert IncidentTicket.objects.filter(incident=incident).count() == 2

    page = client.get(f"/agent/tickets/{tickets[2].pk}/").content.decode()
    assert "Link to incident" in page
    answer = client.post(
        "/agent/incidents/link/",
        {"ticket": tickets[2].pk, "incident": str(incident.number), "from_ticket": tickets[2].pk},
    )
    assert answer["Location"] == f"/agent/tickets/{tickets[2].pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert f'Part of <a href="/agent/incidents/{incident.number}/">INC-{incident.number}' in page

    bad = client.post("/agent/incidents/link/", {"ticket": tickets[0].pk, "incident": "nope"})
    assert bad.status_code == 302
    assert IncidentTicket.objects.filter(incident=incident).count() == 3


def test_resolving_keeps_the_ticked_tickets_open(clock, django_capture_on_commit_callbacks):
    lead = supervisor()
    incident = incident_declare(title="Device sync stalls", severity=2, actor=lead)
    kept, solved = (make_ticket(ContactFactory()) for _ in range(2))
    client = signed_in(lead)
    client.post(f"/agent/incidents/{incident.number}/link/", {"refs": f"{kept.ref}, {solved.pk}"})
    refused = client.post(f"/agent/incidents/{incident.number}/link/", {"refs": "CD-x, !!"})
    assert refused.status_code == 422 and b"Give ticket references" in refused.content
    notify_private = client.post(
        f"/agent/incidents/{incident.number}/updates/",
        {"update-state": "identified", "update-body": "Queue stuck.", "update-notify": "on"},
    )
    assert notify_private.status_code == 422
    assert b"Only a public update can be sent" in notify_private.content

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/agent/incidents/{incident.number}/resolve/",
            {"resolve-body": "Sync caught up.", "resolve-keep": [kept.pk], "resolve-notify": "on"},
        )
    assert answer.status_code == 302
    kept.refresh_from_db()
    solved.refresh_from_db()
    assert (kept.status, solved.status) == (Status.OPEN, Status.SOLVED)
    again = client.post(f"/agent/incidents/{incident.number}/resolve/", {"resolve-body": "x"})
    assert again.status_code == 409


def test_the_incident_page_costs_the_same_queries_with_many_linked_tickets(
    clock, django_assert_max_num_queries
):
    lead = supervisor()
    incident = incident_declare(title="API errors", severity=3, actor=lead, symptom="gateway")
    client = signed_in(lead)
    from caredesk.incidents.linking import tickets_link

    few = [make_ticket(ContactFactory()).pk for _ in range(2)]
    tickets_link(incident=incident, ticket_ids=few, actor=lead)
    client.get(f"/agent/incidents/{incident.number}/")
    with django_assert_max_num_queries(40) as few_queries:
        client.get(f"/agent/incidents/{incident.number}/")
    many = [make_ticket(ContactFactory()).pk for _ in range(12)]
    tickets_link(incident=incident, ticket_ids=many, actor=lead)
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        assert client.get(f"/agent/incidents/{incident.number}/").status_code == 200


def test_a_lead_changes_the_severity_targets_and_agents_may_not():
    lead = supervisor()
    assert signed_in(AgentFactory()).get("/agent/incidents/targets/").status_code == 403
    client = signed_in(lead)
    form = {}
    for t in SeverityTarget.objects.all():
        p = f"s{t.severity}"
        form.update(
            {f"{p}-acknowledge_minutes": t.acknowledge_minutes,
             f"{p}-resolve_minutes": t.resolve_minutes, f"{p}-page": "on"}
        )  # fmt: skip
    form["s2-acknowledge_minutes"] = 0
    refused = client.post("/agent/incidents/targets/", form)
    assert refused.status_code == 422
    assert b"Ensure this value is greater than or equal to 1." in refused.content
    form["s2-acknowledge_minutes"] = 12
    assert client.post("/agent/incidents/targets/", form).status_code == 302
    assert SeverityTarget.objects.get(severity=2).acknowledge_minutes == 12
