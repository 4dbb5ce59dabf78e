"""Protocols in a real browser: a support lead changes a rule, tries it, saves it; an agent then
sees the protocol's guidance on a ticket and the escalation it blocks."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import Contact, ContactKind, Team
from caredesk.rules.models import Policy, PolicyVersion
from caredesk.rules.policies import policy_save_yaml
from caredesk.tickets.models import EventKind, RequestType, TicketEvent
from caredesk.tickets.services import Body, NewTicket, ticket_open
from tests.factories import (
    PASSWORD,
    AgentFactory,
    OrganizationFactory,
    RequestTypeFactory,
    TeamFactory,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.e2e

POLICY = """name: Member services routing
description: What Tier 1 handles and never escalates.
rules:
  - name: Cancellations
    on: [ticket.created, field.changed]
    when: {field: category, op: eq, value: cancellation}
    actions:
      - {type: set_team, team: tier-1}
      - {type: guidance, text: "Handle in Tier 1: process the cancellation in Admin."}
"""
BLOCK = '      - {type: block_escalation, reason: "Cancellations are handled in Tier 1, never escalated."}\n'


def build() -> dict:
    tier1 = TeamFactory(name="Tier 1 support", slug="tier-1", tier=1)
    TeamFactory(name="Technical support engineers", slug="tier-2", tier=2)
    lead = supervisor(name="Rosa Lindqvist", email="rosa.lead@caredesk.example", teams=[tier1])
    agent = AgentFactory(name="Amara Osei", email="amara.agent@caredesk.example", teams=[tier1])
    RequestTypeFactory(name="Cancellation", slug="cancellation", default_team=tier1)
    member = requester_with_login(
        name="Dorian Ashgrove",
        organization=OrganizationFactory(name="Tamarind Employer Health"),
        kind=ContactKind.PATIENT,
    )
    policy_save_yaml(text=POLICY, actor=lead, note="first version")
    return {"lead": lead, "agent": agent, "member": member}


def test_a_lead_changes_a_rule_tries_it_and_saves_it_then_an_agent_meets_it(open_screen):
    world = build()

    # --- The support lead opens the protocol, adds the block, and tries it first -------------
    lead = open_screen()
    lead.login(world["lead"].email, PASSWORD)
    page = lead.page
    lead.settings("Protocols")
    expect(page.get_by_role("heading", level=1)).to_have_text("Protocols")
    page.get_by_role("link", name="Member services routing").click()
    editor = page.get_by_label("Policy (YAML)")
    expect(editor).to_have_value(re.compile("Cancellations"))
    lead.check("policy editor")
    lead.shoot("protocol-editor")

    editor.fill(editor.input_value().rstrip("\n") + "\n" + BLOCK)
    sample = {"subject": "Please cancel my membership", "category": "cancellation", "team": ""}
    page.get_by_label("Or a ticket described as JSON").fill(json.dumps(sample))
    page.get_by_role("button", name="Simulate").click()
    result = page.locator("#simulation")
    expect(result).to_contain_text("never escalated")
    expect(result).to_contain_text("Route to Tier 1 support")  # names, not slugs
    expect(result.locator(".sim-actions li")).to_have_count(3)
    assert Policy.objects.get().version == 1, "simulating saves nothing"
    lead.check("policy simulation")
    lead.shoot("protocol-simulation")

    page.get_by_label("What changed and why").fill("Cancellations are never escalated")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("version 2 saved")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator(".versions tbody tr")).to_have_count(2)
    assert PolicyVersion.objects.get(number=2).note == "Cancellations are never escalated"

    # --- A member asks to cancel; the agent sees the protocol and cannot simply escalate -----
    ticket = ticket_open(
        data=NewTicket(
            requester=Contact.objects.get(pk=world["member"].pk),
            subject="Please cancel my membership",
            body=Body(text="I am moving abroad next month."),
            category=RequestType.objects.get(slug="cancellation"),
        ),
        actor=world["member"],
    )
    agent = open_screen()
    agent.allow("the server responded with a status of 422")  # the refused escalation form
    agent.login(world["agent"].email, PASSWORD)
    page = agent.page
    agent.goto(f"/agent/tickets/{ticket.pk}/")
    guidance = page.get_by_role("region", name="Protocol")
    expect(guidance).to_contain_text("process the cancellation in Admin")
    expect(guidance).to_contain_text("never escalated")
    agent.check("ticket with guidance")
    agent.shoot("protocol-guidance")

    page.keyboard.press("e")  # the escalate shortcut
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Escalate {ticket.ref}")
    expect(page.get_by_role("alert")).to_contain_text("never escalated")
    page.get_by_label("Escalate to").select_option(label="Technical support engineers")
    page.get_by_label("Why it needs escalating").fill("The member insists on talking to Tier 2.")
    page.get_by_label("What you have done").fill("Explained the cancellation steps twice.")
    page.get_by_label("What should happen next").fill("Tier 2 calls the member back today.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".field-error")).to_contain_text("The protocol says")
    agent.check("blocked escalation")
    agent.shoot("protocol-escalation-blocked")
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).exists()

    page.get_by_label("Why the protocol does not apply here").fill(
        "Account under legal hold; Admin cannot cancel."
    )
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "escalated to Technical support engineers"
    )
    escalated = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert escalated.data["override_reason"].startswith("Account under legal hold")
    assert Team.objects.get(slug="tier-2").pk == escalated.data["to_team"]


def test_an_agent_reads_their_notifications(open_screen):
    world = build()
    from caredesk.core import clock
    from caredesk.core.models import Notification

    ticket = ticket_open(
        data=NewTicket(
            requester=world["member"], subject="Pump alarm keeps sounding", body=Body(text="Beeps.")
        ),
        actor=world["member"],
    )
    Notification.objects.create(
        user=world["agent"],
        ticket=ticket,
        text="Safety incident: you are the on-call liaison.",
        urgent=True,
        created_at=clock.now(),
    )
    screen = open_screen()
    screen.login(world["agent"].email, PASSWORD)
    page = screen.page
    link = page.get_by_role("link", name=re.compile("Notifications"))
    expect(link).to_contain_text("1")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = page.locator(".notifications li").first
    expect(item).to_contain_text("Urgent")
    expect(item.get_by_role("link", name=ticket.ref)).to_be_visible()
    screen.check("notifications")
    screen.shoot("notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    assert not Notification.objects.filter(read_at__isnull=True).exists()
