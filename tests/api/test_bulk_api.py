"""The bulk update operation: per-ticket results, the same refusals as the desk."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import EventKind, Status, Ticket, TicketEvent
from caredesk.tickets.services import ticket_update
from tests.api.conftest import assert_problem, counts
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_bulk_update_answers_per_ticket(world, api):
    mine = make_ticket(world.requester, team=world.team_a)
    closed = make_ticket(world.requester, team=world.team_a)
    ticket_update(ticket=closed, changes={"status": Status.CLOSED}, actor=world.agent)
    hidden = make_ticket(world.requester, team=world.team_b)
    response = api(world.agent).post(
        "/tickets/bulk",
        {
            "tickets": [mine.pk, closed.pk, hidden.pk],
            "changes": {"status": "pending", "tags_add": ["waiting"]},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changed"], body["unchanged"], body["refused"]) == (1, 0, 2)
    first, second, third = body["results"]
    assert first["reference"] == mine.ref and first["outcome"] == "changed"
    assert set(first["changed"]) == {"status", "tags"}
    assert second["outcome"] == "refused" and "closed" in second["reason"]
    assert third == {
        "id": hidden.pk,
        "reference": "",
        "outcome": "refused",
        "changed": [],
        "reason": "No such ticket, or you cannot see it.",
        "errors": {},
    }
    assert TicketEvent.objects.filter(ticket=mine, kind=EventKind.STATUS_CHANGED).count() == 1
    assert Ticket.objects.get(pk=hidden.pk).status != Status.PENDING


def test_assignee_null_unassigns(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    ticket_update(ticket=ticket, changes={"assignee": world.agent}, actor=world.agent)
    response = api(world.agent).post(
        "/tickets/bulk", {"tickets": [ticket.pk], "changes": {"assignee": None}}
    )
    assert response.json()["results"][0]["changed"] == ["assignee"]
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"tickets": [], "changes": {"priority": 2}}, ["tickets"]),
        ({"tickets": list(range(1, 102)), "changes": {"priority": 2}}, ["tickets"]),
        ({"tickets": [1], "changes": {}}, ["changes"]),
        ({"tickets": [1], "changes": {"status": "new"}}, ["changes.status"]),
        ({"tickets": [1], "changes": {"priority": 7}}, ["changes.priority"]),
        ({"tickets": [1], "changes": {"team": 999999}}, ["changes.team"]),
        ({"tickets": ["1"], "changes": {"priority": 2}}, ["tickets.0"]),
        ({"tickets": [1], "changes": {"colour": "red"}}, ["changes.colour"]),
    ],
)
def test_bad_bulk_requests_are_422_and_change_nothing(world, api, body, fields):
    make_ticket(world.requester, team=world.team_a)
    before = counts()
    response = api(world.agent).post("/tickets/bulk", body)
    assert_problem(response, 422, *fields)
    assert counts() == before


def test_requesters_cannot_bulk_update(world, api):
    ticket = make_ticket(world.requester, team=world.team_a)
    response = api(world.requester.user).post(
        "/tickets/bulk", {"tickets": [ticket.pk], "changes": {"priority": 1}}
    )
    assert_problem(response, 403)
