"""The escalation hand-over in a real browser: a Tier 2 agent escalates to Engineering by
keyboard and lands in the queue told where the ticket went; the engineer reads why, what was
done and what is next at the top of the ticket, and the history in words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import Tier
from caredesk.sla.defaults import install_defaults
from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
from caredesk.tickets.services import ticket_update
from tests.factories import PASSWORD, AgentFactory, ContactFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _sla_defaults():
    # Browser tests run on a flushed database: put back what the data migration installed.
    install_defaults(Calendar, SlaPolicy, SlaTarget)


def test_tier_2_escalates_to_engineering_and_the_engineer_reads_the_hand_over(open_screen):
    tier2 = TeamFactory(name="Technical support engineers", slug="tier-2", tier=Tier.TIER2)
    engineering = TeamFactory(name="Engineering", slug="engineering", tier=Tier.TIER3)
    sender = AgentFactory(
        name="Odile Brackenridge", email="odile.brackenridge@caredesk.example", teams=[tier2]
    )
    engineer = AgentFactory(
        name="Ferdinand Aalto", email="ferdinand.aalto@caredesk.example", teams=[engineering]
    )
    ticket = make_ticket(
        ContactFactory(name="Perpetua Langridge"),
        subject="No audio in video visits on Android",
        priority=3,
        team=tier2,
    )
    ticket_update(ticket=ticket, changes={"priority": 2, "assignee": sender}, actor=sender)

    agent = open_screen()
    agent.login(sender.email, PASSWORD)
    page = agent.page
    agent.goto(f"/agent/tickets/{ticket.pk}/")
    page.keyboard.press("e")  # the escalate shortcut
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Escalate {ticket.ref}")
    page.get_by_label("Escalate to").select_option(label="Engineering")
    page.get_by_label("Why it needs escalating").fill(
        "Audio drops for every clinician on the Android 4.2 build."
    )
    page.keyboard.press("Tab")
    expect(page.get_by_label("What you have done")).to_be_focused()
    page.keyboard.type("Reproduced on two phones; cleared the app cache; no change.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What should happen next")).to_be_focused()
    page.keyboard.type("Check the audio codec change in 4.2 and tell the clinic when fixed.")
    agent.check("escalation form")
    agent.shoot("handover-form")
    page.get_by_role("button", name="Escalate").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The ticket left the sender's teams: they are back in the queue, told where it went.
    assert page.url.rstrip("/").endswith("/agent")
    status = page.get_by_role("status").first
    expect(status).to_contain_text(
        f"{ticket.ref} “No audio in video visits on Android” escalated to Engineering."
    )
    expect(status).to_contain_text("has left your teams' queues")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    agent.check("queue after escalating")
    agent.shoot("handover-sender-queue")

    reader = open_screen()
    reader.login(engineer.email, PASSWORD)
    reader.goto(f"/agent/tickets/{ticket.pk}/")
    page = reader.page
    pinned = page.get_by_role("region", name=re.compile("Escalated to Engineering"))
    expect(pinned).to_be_visible()
    expect(pinned).to_contain_text("by Odile Brackenridge")
    expect(pinned).to_contain_text("From Technical support engineers (Tier 1) to Engineering")
    expect(pinned).to_contain_text("Audio drops for every clinician on the Android 4.2 build.")
    expect(pinned).to_contain_text("Reproduced on two phones; cleared the app cache; no change.")
    expect(pinned).to_contain_text("Check the audio codec change in 4.2")
    # it sits above the conversation, the first thing the receiving engineer reads
    top = pinned.bounding_box()
    conversation = page.get_by_role("list", name="Conversation").bounding_box()
    assert top is not None and conversation is not None and top["y"] < conversation["y"]

    history = page.locator("ol.history")
    expect(history).to_contain_text("Level: Normal → High")
    expect(history).to_contain_text("Assignee: nobody → Odile Brackenridge")
    expect(history).to_contain_text("Team: Technical support engineers → Engineering")
    expect(history).to_contain_text(
        "Escalated from Technical support engineers to Engineering (Tier 3)"
    )
    expect(history).not_to_contain_text("priority")
    reader.check("ticket with the hand-over")
    reader.shoot("handover-engineer-ticket")
