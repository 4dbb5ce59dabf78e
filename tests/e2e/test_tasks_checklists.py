"""Tasks for another team and checklists, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.core.models import Notification
from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.services.checklists import checklist_item_add
from tests.e2e.test_mentions_views import _check_in
from tests.factories import PASSWORD, AgentFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


def test_a_task_for_another_team_holds_the_parent_until_it_is_solved(open_screen):
    support, engineering = TeamFactory(name="Tier 1 support"), TeamFactory(name="Engineering")
    amara = AgentFactory(name="Amara Osei", email="amara@caredesk.example", teams=[support])
    omar = AgentFactory(name="Omar Haddad", email="omar@caredesk.example", teams=[engineering])
    ticket = make_ticket(subject="Camera stays black in the visit", team=support, assignee=amara)

    agent = open_screen()
    agent.page.clock.install()
    agent.login(amara.email, PASSWORD)
    agent.goto(f"/agent/tickets/{ticket.pk}/")
    page = agent.page
    tasks = page.locator("#tasks")
    tasks.get_by_text("Add a task").click()
    tasks.get_by_label("Task").fill("Check the media bridge logs at 10:02")
    tasks.get_by_label("For team").select_option(label="Engineering")
    tasks.get_by_label("Assignee").select_option(label="Omar Haddad")
    tasks.get_by_label("Instructions").fill("The camera went black at 10:02 UTC.")
    with page.expect_navigation():
        tasks.get_by_role("button", name="Open task").click()
    task = Ticket.objects.get(parent=ticket)
    expect(page.locator(".flash")).to_contain_text(f"Task {task.ref} opened for Engineering")
    expect(page.locator(".meta .status")).to_have_text("On hold")
    expect(tasks.get_by_role("link", name=task.ref)).to_be_visible()
    expect(tasks).to_contain_text("Omar Haddad")
    agent.check("ticket with a task")
    agent.shoot("tasks-parent-on-hold")
    _check_in(agent)  # the open page is at the desk from here on

    engineer = open_screen()
    engineer.login(omar.email, PASSWORD)
    engineer.goto(f"/agent/tickets/{task.pk}/")
    other = engineer.page
    expect(other.locator("#task-of")).to_contain_text(f"Task of {ticket.ref}")
    expect(other.locator("#task-of")).to_contain_text("not in your queues")
    expect(other.locator(".conversation")).to_contain_text("went black at 10:02")
    engineer.check("the task, seen by the other team")
    engineer.shoot("tasks-task-page")
    other.locator(".props").get_by_label("Status", exact=True).select_option(label="Solved")
    with other.expect_navigation():
        other.locator(".props").get_by_role("button", name="Save changes").click()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Notification.objects.filter(user=amara, ticket=ticket).exists()

    _check_in(agent)
    expect(page.locator("#live-toasts")).to_contain_text(
        f"Task {task.ref} is done: {ticket.ref} is open again"
    )
    expect(page.locator(".notify-link .count")).to_have_text("1")
    agent.shoot("tasks-parent-notice")
    page.reload()
    expect(page.locator(".meta .status")).to_have_text("Open")
    expect(page.locator(".ticket-side")).to_contain_text(
        f"Task {task.ref} solved: no task left open"
    )
    agent.check("parent open again")


def test_an_agent_ticks_the_checklist_by_keyboard_before_solving(open_screen):
    support = TeamFactory(name="Tier 1 support")
    amara = AgentFactory(name="Amara Osei", email="amara@caredesk.example", teams=[support])
    ticket = make_ticket(subject="Replace the cart's camera", team=support, assignee=amara)
    first = checklist_item_add(
        ticket=ticket, text="Serial number matches", required=True, actor=None
    )
    checklist_item_add(ticket=ticket, text="Photo of the unit", required=False, actor=None)

    screen = open_screen()
    screen.login(amara.email, PASSWORD)
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    page = screen.page
    panel = page.locator("#checklist")
    expect(panel).to_contain_text("0 of 2 done; 0 of 1 required")

    # solving is refused (422) while the required step is open, saying which
    screen.allow("status of 422")
    page.locator(".props").get_by_label("Status", exact=True).select_option(label="Solved")
    page.locator(".props").get_by_role("button", name="Save changes").click()
    expect(page.locator(".props")).to_contain_text(
        "1 required checklist step is not done (“Serial number matches”)"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN

    step = page.get_by_role("checkbox", name=re.compile("Serial number matches"))
    expect(step).to_have_attribute("aria-checked", "false")
    step.focus()
    page.keyboard.press("Space")
    expect(step).to_have_attribute("aria-checked", "true")
    expect(step).to_be_focused()
    expect(panel).to_contain_text("1 of 2 done; 1 of 1 required")
    expect(page.locator("#checklist-status")).to_have_text("“Serial number matches” done.")
    first.refresh_from_db()
    assert first.done_by == amara
    screen.check("checklist ticked")
    screen.shoot("checklist-ticked")

    page.locator(".props").get_by_label("Status", exact=True).select_option(label="Solved")
    with page.expect_navigation():
        page.locator(".props").get_by_role("button", name="Save changes").click()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
