"""Marking, clearing and reviewing a ticket's safety over the API."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import EventKind, Ticket, TicketEvent
from tests.api.conftest import assert_problem
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world, clock):
    return make_ticket(world.requester, team=world.team_a, subject="The charger caught fire")


def test_a_customers_report_shows_its_safety_and_imdrf_codes(world, api, ticket):
    body = api(world.agent).get(f"/tickets/{ticket.pk}").json()
    assert body["safety"] == "event"
    assert "A07" in body["safety_codes"]


def test_an_agent_clears_with_a_reason_and_it_is_recorded(world, api, ticket):
    response = api(world.agent).post(
        f"/tickets/{ticket.pk}/safety",
        {"action": "clear", "reason": "It was a photo of a campfire, nothing happened."},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["safety"], response.json()["safety_codes"]) == ("", [])
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SAFETY_CLEARED)
    assert event.actor_user == world.agent and event.data["reason"].startswith("It was a photo")


def test_an_agent_marks_possible_safety(world, api):
    quiet = make_ticket(world.requester, team=world.team_a, subject="Question about the filter")
    response = api(world.agent).post(
        f"/tickets/{quiet.pk}/safety",
        {"action": "mark", "outcome": "possible", "reason": "Said on the phone she felt dizzy."},
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=quiet.pk).safety == "possible"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "clear", "reason": "too short"}, "reason"),
        ({"action": "mark", "reason": "A reason that is long enough"}, "outcome"),
        ({"action": "forget", "reason": "A reason that is long enough"}, "action"),
    ],
)
def test_a_bad_safety_decision_names_the_field(world, api, ticket, body, field):
    assert_problem(api(world.agent).post(f"/tickets/{ticket.pk}/safety", body), 422, field)
    assert Ticket.objects.get(pk=ticket.pk).safety == "event"


def test_a_requester_cannot_clear_the_safety_of_their_own_ticket(world, api, ticket):
    refused = api(world.requester.user).post(
        f"/tickets/{ticket.pk}/safety", {"action": "clear", "reason": "Nothing happened really."}
    )
    assert_problem(refused, 403)
    assert Ticket.objects.get(pk=ticket.pk).safety == "event"
