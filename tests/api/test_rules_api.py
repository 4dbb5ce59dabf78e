"""Escalation and protocol simulation over the API: who may, what is refused, and why."""

from __future__ import annotations

import pytest

from caredesk.rules.policies import policy_save
from caredesk.tickets.models import EventKind, Ticket, TicketEvent
from caredesk.tickets.services import ticket_update
from tests.api.conftest import assert_problem
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

BLOCK_CANCELLATIONS = {
    "name": "Tier 1 handles cancellations",
    "rules": [
        {
            "name": "no escalation",
            "on": ["escalate.requested"],
            "when": {"keywords": ["cancel"]},
            "actions": [{"type": "block_escalation", "reason": "Cancellations stay in Tier 1."}],
        }
    ],
}


@pytest.fixture
def ticket(world, clock):
    return make_ticket(world.requester, team=world.team_a, subject="Please cancel my plan")


HANDOVER = {"reason": "Member insists", "action_taken": "Checked", "next_steps": "Call back"}


def test_an_agent_escalates_with_reason_action_and_next_steps(world, api, ticket):
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/escalate",
        {
            "team": world.team_b.pk,
            "reason": "Needs a firmware check",
            "action_taken": "Restarted",
            "next_steps": "Swap",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["team"]["id"] == world.team_b.pk and response.json()["tier"] == 2
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert event.data["action_taken"] == "Restarted" and event.actor_user == world.agent


def test_a_protocol_block_is_a_409_with_its_reason_until_overridden(world, api, ticket):
    policy_save(data=BLOCK_CANCELLATIONS, actor=None)
    body = {**HANDOVER, "team": world.team_b.pk, "reason": "Member insists"}
    refused = api(world.agent).post(f"/tickets/{ticket.pk}/escalate", body)
    problem = assert_problem(refused, 409, "override_reason")
    assert problem["detail"] == "Cancellations stay in Tier 1."
    assert Ticket.objects.get(pk=ticket.pk).team == world.team_a
    done = api(world.agent).post(
        f"/tickets/{ticket.pk}/escalate", {**body, "override_reason": "Legal hold"}
    )
    assert done.status_code == 200
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert (event.data["blocked_by"], event.data["override_reason"]) == (
        "Cancellations stay in Tier 1.",
        "Legal hold",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("requester", 403), ("client_admin", 403), ("other_agent", 404), ("outsider", 404)],
)
def test_only_agents_who_see_the_ticket_escalate_it(world, api, ticket, who, status):
    person = getattr(world, who)
    response = api(getattr(person, "user", person)).post(
        f"/tickets/{ticket.pk}/escalate", {"team": world.team_b.pk, "reason": "x"}
    )
    assert_problem(response, status)
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**HANDOVER, "team": 999_999}, "team"),
        ({**HANDOVER, "team": 1, "reason": ""}, "reason"),
        ({"reason": "x"}, "team"),
    ],
)
def test_a_bad_escalation_names_the_field(world, api, ticket, body, field):
    assert_problem(api(world.agent).post(f"/tickets/{ticket.pk}/escalate", body), 422, field)


@pytest.mark.parametrize(
    ("left_out", "says"),
    [
        (["reason"], {"reason": ["Say why the ticket needs escalating."]}),
        (["action_taken"], {"action_taken": ["Say what you have done so far (or “nothing yet”)."]}),
        (
            ["action_taken", "next_steps"],
            {
                "action_taken": ["Say what you have done so far (or “nothing yet”)."],
                "next_steps": ["Say what the receiving team should do next."],
            },
        ),
    ],
)
def test_the_api_asks_for_the_same_hand_over_as_the_desk(world, api, ticket, left_out, says):
    for blank in (None, "   "):
        body = {**HANDOVER, "team": world.team_b.pk}
        for key in left_out:
            if blank is None:
                del body[key]
            else:
                body[key] = blank
        problem = assert_problem(api(world.agent).post(f"/tickets/{ticket.pk}/escalate", body), 422)
        assert problem["errors"] == says
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).exists()
    assert Ticket.objects.get(pk=ticket.pk).team == world.team_a


def test_a_closed_ticket_cannot_be_escalated(world, api, ticket):
    ticket_update(ticket=ticket, changes={"status": "closed"}, actor=world.agent)
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/escalate", {**HANDOVER, "team": world.team_b.pk}
    )
    assert_problem(response, 409)


DRAFT = "name: Draft\nrules:\n  - name: urgent\n    when: {keywords: [urgent]}\n    actions: [{type: set_priority, priority: 2}]\n"


def test_a_lead_simulates_a_draft_and_nothing_is_written(world, api):
    response = api(world.supervisor).post(
        "/rules/simulate",
        {
            "ticket": {"subject": "URGENT: no video", "priority": 3},
            "policy_yaml": DRAFT,
            "now": "2026-11-24T15:00:00Z",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["priority"] == 2 and [a["type"] for a in body["actions"]] == ["set_priority"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_simulation_is_for_support_leads(world, api, who):
    person = getattr(world, who)
    response = api(getattr(person, "user", person)).post(
        "/rules/simulate", {"ticket": {"subject": "x"}}
    )
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticket": {"priority": "high"}}, "priority"),
        ({"ticket": {"subject": "x"}, "event": "ticket.exploded"}, "event"),
        ({"ticket": {"subject": "x"}, "policy_yaml": "name: [oops"}, "yaml"),
        ({"ticket": {"history": [{"at": "yesterday", "type": "ticket"}]}}, "history.0.at"),
    ],
)
def test_a_bad_simulation_request_names_the_field(world, api, body, field):
    assert_problem(api(world.supervisor).post("/rules/simulate", body), 422, field)
