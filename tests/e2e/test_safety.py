"""The safety screen in a real browser: an agent sees the banner with the IMDRF terms, is told
what a clear needs, clears with a reason, and a later customer message raises it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import EventKind, Ticket, TicketEvent
from caredesk.tickets.services import Body, NewTicket, message_add, ticket_open
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import (
    PASSWORD,
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    requester_with_login,
)

pytestmark = pytest.mark.e2e

WIDE, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        page.screenshot(
            path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True, animations="disabled"
        )
    page.set_viewport_size(WIDE)


def test_an_agent_sees_the_safety_banner_clears_it_with_a_reason_and_a_new_report_raises_it(
    open_screen,
):
    team = TeamFactory(name="Device support", slug="device-support")
    agent = AgentFactory(name="Amara Osei", email="amara.safety@caredesk.example", teams=[team])
    member = requester_with_login(
        name="Orla Pennifold", organization=OrganizationFactory(name="Harbourside Clinic")
    )
    ticket = ticket_open(
        data=NewTicket(
            requester=member,
            subject="Heating pad",
            body=Body(text="The heating pad burned my back, there is a blister."),
            team=team,
        ),
        actor=None,
    )
    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    # the queue shows it before anyone opens the ticket
    expect(page.locator(f"tr[data-href$='/{ticket.pk}/'] .safety-badge")).to_have_text(
        "⚠ Safety event"
    )
    shoot(page, "safety-queue")
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    banner = page.locator("#safety-banner")
    expect(banner.get_by_role("heading", name="Safety event")).to_be_visible()
    expect(banner).to_contain_text("Adverse Event Without Identified Device or Use Problem")
    expect(banner).to_contain_text("Found by the safety screen")
    screen.check("ticket with a safety event")
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, "the ticket page scrolls sideways at 1440"
    shoot(page, "safety-event-banner")

    # a clear needs a reason of 10 characters: the control says so, in place (htmx)
    panel = page.locator("#safety")
    panel.get_by_label("Clear the safety finding").check()
    panel.get_by_label("Reason").fill("no")
    panel.get_by_role("button", name="Record safety decision").click()
    expect(panel.get_by_role("alert")).to_contain_text("10 characters")
    assert Ticket.objects.get(pk=ticket.pk).safety == "event"

    panel = page.locator("#safety")
    panel.get_by_label("Clear the safety finding").check()
    panel.get_by_label("Reason").fill("Called back: it was a sunburn from the beach.")
    panel.get_by_role("button", name="Record safety decision").click()
    expect(page.locator("#safety").get_by_role("status")).to_contain_text("recorded")
    cleared = page.locator("#safety-banner")
    expect(cleared.get_by_role("heading", name="Safety cleared")).to_be_visible()
    expect(cleared).to_contain_text("Cleared by Amara Osei")
    screen.check("ticket after a clear")
    shoot(page, "safety-cleared-banner")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SAFETY_CLEARED).exists()

    # the clear does not silence what the customer says next
    message_add(
        ticket=ticket,
        kind="public",
        body=Body(text="Now the charger smelled odd, like warm plastic."),
        actor=member,
    )
    page.reload()
    expect(
        page.locator("#safety-banner").get_by_role("heading", name="Possible safety")
    ).to_be_visible()
    expect(page.locator("#safety-banner")).to_contain_text("reviews this by")
    shoot(page, "safety-possible-banner")
