"""A brand's portal link and a macro that sets a custom status, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import Mailbox, Ticket
from caredesk.tickets.services.statuses import StatusIn, status_save
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, RequestTypeFactory, supervisor

pytestmark = pytest.mark.e2e


def test_a_requester_sends_a_request_through_a_brands_portal_link(screen):
    desk = build_desk()
    members = Mailbox.objects.create(
        address="members@brightpath.example", name="BrightPath Member Services", brand="brightpath"
    )
    RequestTypeFactory(name="Billing question", slug="billing")
    page = screen.page
    screen.login(desk.requester.user.email, PASSWORD)
    screen.goto("/portal/new/?brand=brightpath")
    expect(page.get_by_role("banner")).to_contain_text("BrightPath Member Services")
    page.get_by_role("link", name=re.compile("Billing question")).click()
    expect(page.get_by_text("Your request goes to BrightPath Member Services")).to_be_visible()
    screen.check("the brand's request form")
    screen.shoot("portal-brand-form")
    page.get_by_role("radio", name=re.compile("Level 3")).check()
    page.get_by_label("Summary", exact=True).fill("Charged twice in March")
    page.get_by_label("Details", exact=True).fill("Two charges for one visit on 3 March.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    ticket = Ticket.objects.get(subject="Charged twice in March")
    assert ticket.received_via == members
    expect(page.get_by_role("banner")).to_contain_text("BrightPath Member Services")
    expect(page.get_by_text("To BrightPath Member Services")).to_be_visible()
    screen.check("a request of the brand")
    screen.shoot("portal-brand-ticket")


def test_a_lead_makes_a_macro_that_sets_a_custom_status(screen):
    desk = build_desk()
    status_save(
        status=None,
        data=StatusIn("Awaiting lab results", "Waiting for your lab results", "pending"),
    )
    supervisor(name="Ottoline Brackwater", email="o.brackwater@caredesk.example")
    page = screen.page
    screen.login("o.brackwater@caredesk.example", PASSWORD)
    screen.goto("/agent/macros/new/")
    page.get_by_label("Name").fill("Lab results pending")
    page.get_by_label("Text").fill("Hi {{requester.first_name}}, we are waiting for the lab.")
    page.get_by_label("Then set status").select_option(label="Awaiting lab results")
    screen.check("the macro editor with a custom status")
    screen.shoot("macro-edit-custom-status")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Status: Awaiting lab results (Pending)")).to_be_visible()
    screen.goto(f"/agent/tickets/{desk.earlier.pk}/macros/")
    page.get_by_role("link", name=re.compile("Lab results pending")).click()
    expect(page.get_by_text("Status: Awaiting lab results (Pending)")).to_be_visible()
    screen.check("the macro preview naming the custom status")
    screen.shoot("macro-preview-custom-status")
