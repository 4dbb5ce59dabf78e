"""The desk's tasks panel, checklist panel and checklist templates."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.tickets.models import ChecklistTemplate, RequestType, Status, Ticket
from caredesk.tickets.services import ticket_update
from caredesk.tickets.services.checklists import checklist_item_add, checklist_template_save
from caredesk.tickets.services.tasks import task_open
from tests.factories import RequestTypeFactory, login_verified, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(desk):
    agent, engineer, engineering, _requester, ticket = desk
    return agent, engineer, engineering, ticket


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_an_agent_opens_a_task_from_the_ticket_page(world):
    agent, engineer, engineering, ticket = world
    desk = client_for(agent)
    page = desk.get(f"/agent/tickets/{ticket.pk}/")
    assert b'id="tasks"' in page.content and b"Add a task" in page.content
    response = desk.post(
        f"/agent/tickets/{ticket.pk}/tasks/",
        {
            "subject": "Check bridge logs",
            "team": engineering.pk,
            "assignee": engineer.pk,
            "instructions": "10:02 UTC",
        },
    )
    assert response.status_code == 302
    task = Ticket.objects.get(parent=ticket)
    page = desk.get(f"/agent/tickets/{ticket.pk}/")
    text = page.content.decode()
    assert task.ref in text and "Check bridge logs" in text and "On hold" in text
    assert f"Task {task.ref} opened for Engineering" in text  # history in words


def test_a_task_without_team_is_refused_with_the_field_message(world):
    agent, _engineer, _engineering, ticket = world
    response = client_for(agent).post(f"/agent/tickets/{ticket.pk}/tasks/", {"subject": ""})
    assert response.status_code == 422
    assert b"This field is required" in response.content
    assert not Ticket.objects.filter(parent=ticket).exists()


def test_the_task_page_links_its_parent_only_for_who_may_see_it(world):
    agent, engineer, engineering, ticket = world
    task = task_open(parent=ticket, subject="Logs", team=engineering, actor=agent)
    mine = client_for(agent).get(f"/agent/tickets/{task.pk}/").content.decode()
    assert f'href="/agent/tickets/{ticket.pk}/"' in mine and "Camera froze" in mine
    theirs = client_for(engineer).get(f"/agent/tickets/{task.pk}/")
    assert theirs.status_code == 200
    text = theirs.content.decode()
    assert ticket.ref in text and "not in your queues" in text
    assert "Camera froze" not in text and f'href="/agent/tickets/{ticket.pk}/"' not in text
    assert client_for(engineer).get(f"/agent/tickets/{ticket.pk}/").status_code == 404


def test_ticking_a_step_without_javascript_and_with_htmx(world):
    agent, _engineer, _engineering, ticket = world
    step = checklist_item_add(ticket=ticket, text="Confirm identity", required=True, actor=agent)
    desk = client_for(agent)
    url = f"/agent/tickets/{ticket.pk}/checklist/"
    response = desk.post(url, {"action": "tick", "item": step.pk, "done": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    step.refresh_from_db()
    assert step.done_by == agent
    panel = desk.post(url, {"action": "tick", "item": step.pk, "done": "0"}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    text = panel.content.decode()
    assert text.lstrip().startswith('<section class="panel checklist" id="checklist"')
    assert 'aria-checked="false"' in text and "“Confirm identity” not done." in text
    page = desk.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert "Checklist: “Confirm identity” not done" in page


def test_adding_a_step_and_applying_a_template(world):
    agent, _engineer, _engineering, ticket = world
    template = checklist_template_save(name="Repair", steps=[("Serial", True), ("Photo", False)])
    desk = client_for(agent)
    url = f"/agent/tickets/{ticket.pk}/checklist/"
    assert (
        desk.post(url, {"action": "add", "text": "Call back", "required": "on"}).status_code == 302
    )
    assert desk.post(url, {"action": "apply", "template": template.pk}).status_code == 302
    assert list(ticket.checklist.values_list("text", "required")) == [
        ("Call back", True),
        ("Serial", True),
        ("Photo", False),
    ]
    empty = desk.post(url, {"action": "add", "text": "  "})
    assert empty.status_code == 422 and b"This field is required" in empty.content
    unknown = desk.post(url, {"action": "tick", "item": 999999, "done": "1"})
    assert unknown.status_code == 404


def test_solving_with_required_steps_open_shows_which(world):
    agent, _engineer, _engineering, ticket = world
    checklist_item_add(ticket=ticket, text="Confirm identity", required=True, actor=agent)
    response = client_for(agent).post(
        f"/agent/tickets/{ticket.pk}/update/",
        {"status": "solved", "priority": ticket.priority, "tier": ticket.tier, "tags": ""},
    )
    assert response.status_code == 422
    assert "1 required checklist step is not done (“Confirm identity”)" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status != Status.SOLVED


def test_the_ticket_page_query_count_does_not_grow_with_tasks_and_steps(
    world, django_assert_max_num_queries
):
    agent, _engineer, engineering, ticket = world
    desk = client_for(agent)
    task_open(parent=ticket, subject="One", team=engineering, actor=agent)
    checklist_item_add(ticket=ticket, text="Step", actor=agent)
    desk.get(f"/agent/tickets/{ticket.pk}/")
    with django_assert_max_num_queries(200) as few:
        desk.get(f"/agent/tickets/{ticket.pk}/")
    for i in range(6):
        task = task_open(parent=ticket, subject=f"Task {i}", team=engineering, actor=agent)
        ticket_update(ticket=task, changes={"assignee": agent}, actor=agent)
        step = checklist_item_add(ticket=ticket, text=f"Step {i}", actor=agent)
        from caredesk.tickets.services.checklists import checklist_item_tick

        checklist_item_tick(ticket=ticket, item_id=step.pk, done=True, actor=agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk.get(f"/agent/tickets/{ticket.pk}/")


def test_supervisors_keep_templates_and_attach_them_to_request_types(world):
    agent, *_ = world
    rtype = RequestTypeFactory(name="Device repair")
    lead = client_for(supervisor())
    assert lead.get("/agent/checklists/").status_code == 200
    assert lead.get("/agent/checklists/new/").status_code == 200
    response = lead.post(
        "/agent/checklists/new/",
        {
            "name": "Repair validation",
            "active": "on",
            "step": ["Serial matches", "Photo", ""],
            "required": ["0"],
            "request_types": [rtype.pk],
        },
    )
    assert response.status_code == 302
    template = ChecklistTemplate.objects.get(name="Repair validation")
    assert list(template.items.values_list("text", "required")) == [
        ("Serial matches", True),
        ("Photo", False),
    ]
    assert RequestType.objects.get(pk=rtype.pk).checklist == template
    bad = lead.post("/agent/checklists/new/", {"name": "", "step": [""]})
    assert bad.status_code == 422 and b"Give the checklist at least one step" in bad.content
    desk = client_for(agent)
    assert desk.get("/agent/checklists/").status_code == 403
    assert desk.post(f"/agent/checklists/{template.pk}/", {"name": "x"}).status_code == 403
