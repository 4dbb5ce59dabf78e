"""The API speaks of custom statuses: listed, shown on tickets, set by id or by category."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import CustomStatus, Ticket
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.api.conftest import api, assert_problem, world  # noqa: F401 - the fixtures
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def lab() -> CustomStatus:
    return status_save(
        status=None,
        data=StatusIn("Awaiting lab results", "Waiting for your lab results", "pending"),
    )


def test_statuses_are_listed_for_agents_only(world, api):  # noqa: F811
    status = lab()
    listed = api(world.agent).get("/statuses")
    assert listed.status_code == 200
    by_name = {s["name"]: s for s in listed.json()}
    assert by_name["Awaiting lab results"] == {
        "id": status.pk,
        "name": "Awaiting lab results",
        "requester_name": "Waiting for your lab results",
        "description": "",
        "category": "pending",
        "default": False,
        "active": True,
    }
    assert by_name["Pending customer"]["default"] is True
    assert api(world.requester.user).get("/statuses").status_code == 403


def test_patch_sets_a_custom_status_or_a_category(world, api):  # noqa: F811
    status = lab()
    ticket = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    client = api(world.agent)
    got = client.get(f"/tickets/{ticket.pk}").json()
    opened = CustomStatus.objects.get(category="open", default=True)
    assert (got["status"], got["custom_status"]) == ("open", {"id": opened.pk, "name": "Open"})
    changed = client.patch(f"/tickets/{ticket.pk}", {"custom_status": status.pk})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["status"] == "pending"
    assert body["custom_status"] == {"id": status.pk, "name": "Awaiting lab results"}
    solved = client.patch(f"/tickets/{ticket.pk}", {"status": "solved"}).json()
    assert solved["custom_status"]["name"] == "Solved"
    listed = client.get("/tickets", custom_status=status.pk, queue="all").json()
    assert listed["items"] == []


def test_bad_custom_status_is_a_422_naming_the_field(world, api):  # noqa: F811
    status = lab()
    ticket = make_ticket(world.requester, team=world.team_a, assignee=world.agent)
    client = api(world.agent)
    assert_problem(
        client.patch(f"/tickets/{ticket.pk}", {"custom_status": 987654}), 422, "custom_status"
    )
    assert_problem(
        client.patch(f"/tickets/{ticket.pk}", {"custom_status": None}), 422, "custom_status"
    )
    assert_problem(client.patch(f"/tickets/{ticket.pk}", {"custom_status": "x"}), 422)
    assert_problem(
        client.patch(f"/tickets/{ticket.pk}", {"custom_status": status.pk, "status": "open"}),
        422,
        "status",
    )


def test_bulk_sets_a_custom_status(world, api):  # noqa: F811
    status = lab()
    one = make_ticket(world.requester, team=world.team_a)
    two = make_ticket(world.requester, team=world.team_a)
    client = api(world.agent)
    done = client.post(
        "/tickets/bulk", {"tickets": [one.pk, two.pk], "changes": {"custom_status": status.pk}}
    )
    assert done.status_code == 200, done.content
    assert done.json()["changed"] == 2
    assert set(Ticket.objects.values_list("custom_status", flat=True)) == {status.pk}
    assert_problem(
        client.post("/tickets/bulk", {"tickets": [one.pk], "changes": {"custom_status": 999999}}),
        422,
        "custom_status",
    )
