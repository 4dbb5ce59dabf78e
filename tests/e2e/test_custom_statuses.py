"""Custom statuses end to end: an administrator adds one, an agent sets it from the ticket page
with the keyboard, and the requester reads its own name for it in the portal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.tickets.models import Ticket
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.e2e


def test_admin_adds_a_status_agent_sets_it_requester_reads_it(open_screen):
    desk = build_desk()
    AgentFactory(name="Perpetua Lindqvist", email="p.lindqvist@caredesk.example", role=ROLE_ADMIN)
    ticket = desk.earlier

    admin = open_screen()
    admin.login("p.lindqvist@caredesk.example", PASSWORD)
    admin.goto("/agent/")
    page = admin.page
    admin.settings("Statuses")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="New status").click()
    admin.allow("status of 422")  # the form answers 422 with its field errors
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save status").click()
    expect(page.locator("#error-summary")).to_be_visible()
    admin.check("status form with errors")
    page.get_by_label("Name for agents").fill("Awaiting lab results")
    page.get_by_label("Name for requesters").fill("Waiting for your lab results")
    page.get_by_label("Category").select_option(label="Pending")
    page.get_by_label("Description").fill("The lab has the sample; the clock waits.")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save status").click()
    expect(page.get_by_role("link", name="Awaiting lab results")).to_be_visible()
    admin.check("statuses")
    admin.shoot("statuses")

    agent = open_screen()
    agent.login(desk.agent.email, PASSWORD)
    agent.goto(f"/agent/tickets/{ticket.pk}/")
    page = agent.page
    status = page.get_by_label("Status", exact=True)
    expect(status.locator("optgroup[label=Pending] option")).to_have_text(
        ["Pending customer", "Awaiting lab results"]
    )
    status.focus()
    page.keyboard.type("Awaiting")  # a closed select picks the option typed
    expect(status.locator("option:checked")).to_have_text("Awaiting lab results")
    for _ in range(12):  # on through the properties to the save button
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Save changes":
            break
        page.keyboard.press("Tab")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator(".ticket-main .meta .badge.status")).to_have_text("Awaiting lab results")
    expect(page.get_by_text("Status: New → Awaiting lab results (Pending)")).to_be_visible()
    agent.check("ticket with a custom status")
    agent.shoot("ticket-custom-status")
    saved = Ticket.objects.select_related("custom_status").get(pk=ticket.pk)
    assert saved.status == "pending" and saved.custom_status.agent_label == "Awaiting lab results"

    requester = open_screen()
    requester.login(desk.requester.email, PASSWORD)
    requester.goto(f"/portal/tickets/{ticket.pk}/")
    expect(requester.page.locator(".badge.status").first).to_have_text(
        "Waiting for your lab results"
    )
    expect(requester.page.get_by_text("Awaiting lab results")).to_have_count(0)
    requester.check("portal ticket with a custom status")
    requester.shoot("portal-custom-status")
