"""The main journey in a real browser: a requester asks, an agent answers, the requester reads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import MessageKind, Status, Ticket
from tests.e2e.scenario import SUPPORT_PHONE, build_desk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

SUBJECT = "Video visit froze after two minutes"
DETAILS = "The picture froze and the sound cut out twice during my 10:30 visit."
REPLY = "Thanks, Marisol. We have reset your video session; please try joining again."
NOTE = "Saw the same freeze on two other clinics this morning; checking the media relay."


def test_requester_asks_agent_answers_requester_reads(open_screen):
    desk = build_desk()

    # --- Requester: sign in, see their requests, send a level-3 request ---------------------
    requester = open_screen()
    requester.goto("/login/")
    expect(requester.page.get_by_role("button", name="Sign in")).to_be_visible()
    requester.check("login")
    requester.shoot("login")

    requester.login(desk.requester.user.email, PASSWORD)
    page = requester.page
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    expect(page.get_by_role("link", name=re.compile(desk.earlier.subject))).to_be_visible()
    requester.check("portal home")
    requester.shoot("portal-home")

    requester.goto(f"/portal/new/{desk.video.slug}/")
    levels = page.get_by_role("radio")
    expect(levels).to_have_count(4)
    for level, name, definition in [
        (1, "Level 1 · Critical", "Critical functions have stopped working"),
        (2, "Level 2 · High", "Service is degraded"),
        (3, "Level 3 · Normal", "affects a single user"),
        (4, "Level 4 · Low", "self-administration"),
    ]:
        choice = page.locator(f".level-choice.level-{level}")
        expect(choice).to_contain_text(name)
        expect(choice.locator(".definition")).to_contain_text(definition)
    call_now = page.locator(".call-now")
    for i in range(4):  # nothing is chosen for the requester
        expect(levels.nth(i)).not_to_be_checked()
    expect(call_now).to_be_hidden()

    page.get_by_role("radio", name=re.compile("Level 1")).check()
    expect(call_now).to_be_visible()
    expect(call_now.get_by_role("heading")).to_have_text("Call us now")
    expect(call_now.get_by_role("link", name=SUPPORT_PHONE)).to_have_attribute(
        "href", f"tel:{SUPPORT_PHONE}"
    )
    requester.check("portal new request, level 1")
    requester.shoot("portal-new-level1")

    page.get_by_role("radio", name=re.compile("Level 2")).check()
    expect(call_now).to_be_visible()
    page.get_by_role("radio", name=re.compile("Level 3")).check()
    expect(call_now).to_be_hidden()

    page.get_by_label("Summary").fill(SUBJECT)
    page.get_by_label("Details").fill(DETAILS)
    page.get_by_label("Appointment date").fill("2026-11-02")
    page.get_by_label("Device used").select_option("Computer")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    ticket = Ticket.objects.get(subject=SUBJECT)
    assert ticket.priority == 3 and ticket.requester == desk.requester
    expect(page).to_have_url(re.compile(rf"/portal/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Your request {ticket.ref} has been received"
    )
    expect(page.locator(".meta .badge")).to_have_text("Received")
    requester.check("portal ticket after sending")

    # --- Agent: pick it up from Unassigned, assign, reply, add a note -----------------------
    agent = open_screen()
    agent.login(desk.agent.email, PASSWORD)
    desk_page = agent.page
    agent.goto("/agent/?queue=unassigned")
    expect(desk_page.get_by_role("heading", level=1)).to_have_text("Unassigned")
    row = desk_page.locator("table.tickets tbody tr", has_text=ticket.ref)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Marisol Quennell")
    expect(row).to_contain_text("3 · Normal")
    expect(desk_page.locator("table.tickets tbody tr.level-1")).to_have_count(1)
    agent.check("agent queue")
    agent.shoot("agent-queue")

    with desk_page.expect_navigation():
        row.get_by_role("link", name=ticket.ref).click()
    expect(desk_page).to_have_url(re.compile(rf"/agent/tickets/{ticket.pk}/$"))
    expect(desk_page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    expect(desk_page.locator(".form-answers")).to_contain_text("Computer")

    with desk_page.expect_navigation():
        desk_page.get_by_role("button", name=re.compile("Assign to me")).click()
    expect(desk_page.get_by_role("status")).to_contain_text(f"{ticket.ref} is assigned to you")
    expect(desk_page.get_by_role("button", name=re.compile("Assign to me"))).to_have_count(0)
    expect(desk_page.locator("#id_assignee")).to_have_value(str(desk.agent.pk))

    composer = desk_page.locator("form.composer")
    expect(desk_page.get_by_role("radio", name=re.compile("Public reply"))).to_be_checked()
    expect(composer.get_by_role("button", name="Send reply")).to_be_visible()
    agent.check("agent ticket, public mode")
    agent.shoot("agent-ticket-public")

    desk_page.get_by_role("textbox", name=re.compile("Reply to Marisol Quennell")).fill(REPLY)
    with desk_page.expect_navigation():
        composer.get_by_role("button", name="Send reply").click()
    expect(desk_page.get_by_role("status")).to_contain_text(f"Reply sent on {ticket.ref}")
    public = desk_page.locator(".conversation .msg-public", has_text=REPLY)
    expect(public).to_be_visible()

    desk_page.locator("label[for=kind-internal]").click()
    expect(desk_page.get_by_role("radio", name=re.compile("Internal note"))).to_be_checked()
    expect(composer.get_by_role("button", name="Add note")).to_be_visible()
    expect(composer.get_by_role("button", name="Send reply")).to_be_hidden()
    expect(composer).to_have_css("background-color", "rgb(255, 248, 197)")
    desk_page.get_by_role("textbox", name=re.compile("Note for the team")).fill(NOTE)
    agent.check("agent ticket, internal-note mode")
    agent.shoot("agent-ticket-internal")
    with desk_page.expect_navigation():
        composer.get_by_role("button", name="Add note").click()
    expect(desk_page.get_by_role("status")).to_contain_text(f"Note added on {ticket.ref}")

    note = desk_page.locator(".conversation .msg-internal", has_text=NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("Internal note")
    note_bg = note.evaluate("el => getComputedStyle(el).backgroundColor")
    public_bg = public.evaluate("el => getComputedStyle(el).backgroundColor")
    assert note_bg != public_bg, "internal notes must be tinted differently from public replies"
    agent.check("agent ticket after the note")

    ticket.refresh_from_db()
    assert ticket.assignee == desk.agent and ticket.status == Status.OPEN
    assert list(ticket.messages.values_list("kind", flat=True)) == [
        MessageKind.PUBLIC,
        MessageKind.PUBLIC,
        MessageKind.INTERNAL,
    ]

    # --- Requester: reads the reply, never the note -----------------------------------------
    requester.page.reload()
    page = requester.page
    expect(page.locator(".conversation")).to_contain_text(REPLY)
    expect(page.locator(".conversation")).to_contain_text("Ysolde Marchetti")
    expect(page.locator(".meta .badge")).to_have_text("We're on it")
    assert NOTE not in page.content()
    assert "Internal note" not in page.content()
    requester.check("portal ticket")
    requester.shoot("portal-ticket")
