"""Training gates in a real browser: a category gated by a skill; an uncertified agent cannot
take its ticket and is told why, and their reply is held for approval; a certified agent takes
it, approves the held reply and their own reply goes out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.training.models import HeldReply
from tests.factories import PASSWORD, ContactFactory, make_ticket
from tests.training.conftest import bank, gated_world

pytestmark = pytest.mark.e2e


def test_an_uncertified_agent_cannot_take_a_gated_ticket_and_a_certified_one_can(open_screen):
    w = gated_world()
    bank(w["skill"])
    requester = ContactFactory(name="Ria Calder", email="ria@patients.example")
    ticket = make_ticket(
        requester, category=w["category"], team=w["team"], subject="Pump alarm keeps sounding"
    )

    novice = open_screen()
    novice.login(w["novice"].email, PASSWORD)
    page = novice.page
    novice.goto(f"/agent/tickets/{ticket.pk}/")
    banner = page.locator("#assisted-banner")
    expect(banner).to_contain_text(
        "Assisted mode: replies are approved by a certified agent because this category needs "
        "the Infusion pumps certification and Elio Marsh has none"
    )
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Needs the Infusion pumps certification; Elio Marsh has none."
    )
    assert Ticket.objects.get(pk=ticket.pk).assignee is None

    page.locator("#id_body").fill("Please check the line for kinks and tell us what you see.")
    with page.expect_navigation(wait_until="load"):
        page.locator("#send-button").click()
    expect(page.get_by_role("status").first).to_contain_text("Reply held for approval")
    assert not Message.objects.filter(ticket=ticket, author_user=w["novice"], kind="public")
    held = HeldReply.objects.get(ticket=ticket)
    expect(page.locator("#held-replies")).to_contain_text("A certified agent approves")
    novice.check("assisted ticket")
    novice.shoot("training-assisted-ticket")
    novice.goto("/agent/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    novice.check("my training")
    novice.shoot("training-mine")

    lead = open_screen()
    lead.login(w["certified"].email, PASSWORD)
    page = lead.page
    lead.goto(f"/agent/tickets/{ticket.pk}/")
    expect(page.locator("#assisted-banner")).to_have_count(0)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status").first).to_contain_text("is assigned to you")
    assert Ticket.objects.get(pk=ticket.pk).assignee == w["certified"]

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_role("status").first).to_contain_text("is sent")
    held.refresh_from_db()
    assert held.state == HeldReply.State.SENT
    sent = Message.objects.get(ticket=ticket, author_user=w["novice"], kind=MessageKind.PUBLIC)
    assert sent.body_text.startswith("Please check the line")

    page.locator("#id_body").fill("A replacement line set is on its way.")
    with page.expect_navigation(wait_until="load"):
        page.locator("#send-button").click()
    expect(page.get_by_role("status").first).to_contain_text("Reply sent")
    assert Message.objects.filter(ticket=ticket, author_user=w["certified"], kind="public")
    lead.check("certified ticket")


def test_the_leads_training_screens(open_screen):
    from caredesk.accounts.roles import ROLE_SUPERVISOR
    from caredesk.training.defaults import install_curricula
    from caredesk.training.models import Curriculum, Module
    from tests.factories import AgentFactory

    install_curricula(Curriculum, Module)  # the browser tests' database starts empty
    w = gated_world()
    bank(w["skill"])
    lead_user = AgentFactory(name="Saga Lindqvist", role=ROLE_SUPERVISOR)
    lead = open_screen()
    lead.login(lead_user.email, PASSWORD)
    page = lead.page
    page.get_by_role("link", name="Team certifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team certifications")
    expect(page.locator("table.cert-matrix")).to_contain_text("Noor Hallberg")
    lead.check("team")
    lead.shoot("training-team")
    page.get_by_role("link", name="Skills and gating").click()
    page.get_by_role("link", name="Infusion pumps").click()
    lead.check("skill")
    lead.shoot("training-skill")
    lead.goto(f"/agent/training/skills/{w['skill'].pk}/questions/")
    lead.check("questions")
    lead.shoot("training-questions")
    lead.goto("/agent/training/curricula/")
    expect(page.get_by_text("Telehealth support onboarding")).to_be_visible()
    page.get_by_role("link", name="Medical device service onboarding").click()
    lead.check("curriculum")
    lead.shoot("training-curriculum")
