"""The API of tasks and checklists: create, read, tick, and the solve guard's 409."""

from __future__ import annotations

import pytest

from caredesk.tickets.models import Status, Ticket
from tests.api.conftest import PROBLEM, ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(desk):
    agent, engineer, engineering, requester, ticket = desk
    return ApiClient(agent), ApiClient(engineer), ApiClient(requester.user), engineering, ticket


def test_a_task_is_opened_and_both_tickets_show_the_link(world):
    api, engineer_api, requester_api, engineering, ticket = world
    response = api.post(
        f"/tickets/{ticket.pk}/tasks",
        {"subject": "Check the logs", "team": engineering.pk, "instructions": "At 10:02"},
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["parent"] == {"id": ticket.pk, "ref": ticket.ref}
    assert task["team"]["name"] == "Engineering"
    parent = api.get(f"/tickets/{ticket.pk}").json()
    assert parent["status"] == "on_hold"
    assert parent["tasks"] == [
        {"id": task["id"], "ref": task["ref"], "status": "new", "team_id": engineering.pk}
    ]
    items = api.get("/tickets", queue="all").json()["items"]
    assert {t["id"]: t["tasks"] for t in items}[ticket.pk][0]["ref"] == task["ref"]
    # the requester sees their ticket, not its internal work
    mine = requester_api.get(f"/tickets/{ticket.pk}").json()
    assert mine["tasks"] == [] and mine["status"] == "on_hold"
    assert requester_api.get(f"/tickets/{task['id']}").status_code == 404
    # the engineer works the task
    solved = engineer_api.patch(f"/tickets/{task['id']}", {"status": "solved"})
    assert solved.status_code == 200
    assert api.get(f"/tickets/{ticket.pk}").json()["status"] == "open"


def test_solving_a_ticket_with_an_open_task_is_a_409_naming_it(world):
    api, _engineer_api, _requester_api, engineering, ticket = world
    task = api.post(f"/tickets/{ticket.pk}/tasks", {"subject": "Logs", "team": engineering.pk})
    response = api.patch(f"/tickets/{ticket.pk}", {"status": "solved"})
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"]["status"] == [f"its task {task.json()['ref']} is still open"]


def test_bad_task_input_is_a_422_by_field(world):
    api, _engineer_api, _requester_api, _engineering, ticket = world
    response = api.post(f"/tickets/{ticket.pk}/tasks", {"subject": "", "team": 999999})
    assert response.status_code == 422
    assert "subject" in str(response.json()["errors"])
    response = api.post(f"/tickets/{ticket.pk}/tasks", {"subject": "Logs", "team": 999999})
    assert response.status_code == 422 and response.json()["errors"] == {"team": ["Not found."]}
    assert not Ticket.objects.filter(parent=ticket).exists()


def test_checklist_add_tick_and_the_guard(world):
    api, _engineer_api, requester_api, _engineering, ticket = world
    empty = api.get(f"/tickets/{ticket.pk}/checklist").json()
    assert empty["items"] == [] and empty["state"]["complete"] is True
    added = api.post(f"/tickets/{ticket.pk}/checklist", {"text": "Confirm ID", "required": True})
    assert added.status_code == 201
    body = added.json()
    item = body["items"][0]
    assert item["text"] == "Confirm ID" and item["required"] and not item["done"]
    assert body["state"] == {
        "total": 1,
        "done": 0,
        "required": 1,
        "required_done": 0,
        "complete": False,
    }
    refused = api.patch(f"/tickets/{ticket.pk}", {"status": "solved"})
    assert refused.status_code == 409
    assert "Confirm ID" in refused.json()["errors"]["status"][0]
    ticked = api.patch(f"/tickets/{ticket.pk}/checklist/{item['id']}", {"done": True})
    assert ticked.status_code == 200 and ticked.json()["state"]["complete"] is True
    assert ticked.json()["items"][0]["done_by"]["id"] == api.user.pk
    assert api.patch(f"/tickets/{ticket.pk}", {"status": "solved"}).json()["status"] == "solved"
    assert requester_api.get(f"/tickets/{ticket.pk}/checklist").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_bad_checklist_input_is_refused_by_field(world):
    api, _engineer_api, _requester_api, _engineering, ticket = world
    assert api.post(f"/tickets/{ticket.pk}/checklist", {"text": ""}).status_code == 422
    assert api.post(f"/tickets/{ticket.pk}/checklist", {"text": "x" * 301}).status_code == 422
    assert api.post(f"/tickets/{ticket.pk}/checklist", {"text": "ok", "x": 1}).status_code == 422
    assert api.patch(f"/tickets/{ticket.pk}/checklist/1", {"done": "yes"}).status_code == 422
    assert api.patch(f"/tickets/{ticket.pk}/checklist/999999", {"done": True}).status_code == 404
