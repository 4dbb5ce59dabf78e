"""Macros from the reply box and bulk actions on a queue, as an agent uses them all day."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.rules.macros import MacroIn, macro_save
from caredesk.rules.models import Macro
from caredesk.tickets.models import Message, Status, Ticket
from caredesk.tickets.pure import pk_from_ref
from caredesk.tickets.services import ticket_update
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, supervisor

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk():
    desk = build_desk()
    lead = supervisor(name="Ottoline Brackwater", email="o.brackwater@caredesk.example")
    macro_save(
        macro=None,
        data=MacroIn(
            name="Ask for device logs",
            body="Hi {{requester.first_name}},\n\nCould you send the logs for "
            "{{ticket.reference}}? {{device.model}}\n\n{{agent.name}}",
            shared=True,
            set_status=Status.PENDING,
            add_tags=("logs-requested",),
        ),
        actor=lead,
    )
    macro_save(
        macro=None,
        data=MacroIn(name="Password reset steps", body="Open the portal and choose Reset."),
        actor=desk.agent,
    )
    return desk


def test_agent_picks_previews_and_sends_a_macro_with_the_keyboard(desk, screen):
    page = screen.page
    screen.login(desk.agent.email, PASSWORD)
    screen.goto(f"/agent/tickets/{desk.earlier.pk}/")
    page.locator("h1").click()  # focus outside any text field
    page.keyboard.press("m")
    dialog = page.locator("dialog#macro-dialog")
    expect(dialog).to_be_visible()
    search = dialog.get_by_role("searchbox", name="Find a macro")
    expect(search).to_be_focused()
    options = dialog.get_by_role("option")
    expect(options).to_have_count(2)

    page.keyboard.type("logs")
    expect(dialog.locator("[role=option]:visible")).to_have_count(1)
    preview = dialog.locator("[data-macro-preview]")
    expect(preview).to_contain_text("Hi Marisol,")
    expect(preview).to_contain_text(f"Could you send the logs for {desk.earlier.ref}?")
    expect(preview).to_contain_text("Ysolde Marchetti")
    # an unknown placeholder stays visible and is pointed out before anything is sent
    expect(preview.get_by_role("alert")).to_contain_text("{{device.model}}")
    expect(preview).to_contain_text("Status: Pending customer")
    screen.check("macro picker")
    screen.shoot("macro-picker")

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    body = page.locator("#id_body")
    expect(body).to_be_focused()
    expect(body).to_have_value(re.compile(r"^Hi Marisol,\n\nCould you send the logs"))
    chip = page.locator("#macro-chip")
    expect(chip).to_contain_text("Ask for device logs")
    expect(chip).to_contain_text("Unfilled placeholders remain")

    # the agent fixes the placeholder, then sends
    body.fill(body.input_value().replace("{{device.model}}", "The hub model is fine."))
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text(
        f"Reply sent on {desk.earlier.ref} with the macro “Ask for device logs”."
    )
    ticket = Ticket.objects.get(pk=desk.earlier.pk)
    assert ticket.status == Status.PENDING
    assert list(ticket.tags.values_list("name", flat=True)) == ["logs-requested"]
    assert Message.objects.filter(ticket=ticket, body_text__contains="hub model").exists()
    assert Macro.objects.get(name="Ask for device logs").usage_count == 1
    screen.check("ticket after the macro")


def test_removing_an_inserted_macro_sends_a_plain_reply(desk, screen):
    page = screen.page
    screen.login(desk.agent.email, PASSWORD)
    screen.goto(f"/agent/tickets/{desk.earlier.pk}/")
    page.get_by_role("link", name="Macros").last.click()  # the reply box's picker
    dialog = page.locator("dialog#macro-dialog")
    dialog.get_by_role("option", name=re.compile("Password reset steps")).click()
    expect(dialog.locator("[data-macro-text]")).to_have_text("Open the portal and choose Reset.")
    dialog.get_by_role("button", name="Insert into reply").click()
    page.get_by_role("button", name="Remove macro").click()
    expect(page.locator("#macro-chip")).to_be_hidden()
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Reply sent on {desk.earlier.ref}.")
    assert Macro.objects.get(name="Password reset steps").usage_count == 0


def test_agent_manages_macros(desk, screen):
    page = screen.page
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/macros/")
    expect(page.get_by_role("heading", name="My macros")).to_be_visible()
    expect(page.get_by_role("link", name="Ask for device logs")).to_be_visible()
    screen.check("macros")
    screen.shoot("macros")
    page.get_by_role("link", name="New macro").click()
    page.get_by_label("Name").fill("Closing note")
    page.get_by_label("Text").fill("Thanks {{requester.first_name}}, closing this now.")
    page.get_by_label("Then set status").select_option(label="Solved")
    screen.check("new macro")
    screen.shoot("macro-edit")
    page.get_by_role("button", name="Save macro").click()
    expect(page.locator(".flash-success")).to_contain_text("Macro “Closing note” saved.")
    assert Macro.objects.get(name="Closing note").owner == desk.agent


def test_bulk_select_with_click_shift_click_and_x_then_change(desk, screen):
    page = screen.page
    blocked = desk.others[0]
    ticket_update(
        ticket=blocked,
        changes={"escalation_block": "Clinician dashboards stay with Tier 1."},
        actor=None,
    )
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    rows = page.locator("table.tickets tbody tr")
    expect(rows).to_have_count(5)
    boxes = page.locator("table.tickets tbody input[name=ticket]")

    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("x")  # ticks the highlighted first row
    expect(boxes.nth(0)).to_be_checked()
    boxes.nth(2).click()
    boxes.nth(4).click(modifiers=["Shift"])  # a range: rows 3 to 5
    for i, want in enumerate([True, False, True, True, True]):
        if want:
            expect(boxes.nth(i)).to_be_checked()
        else:
            expect(boxes.nth(i)).not_to_be_checked()
    expect(page.locator("[data-bulk-count]")).to_have_text("4 tickets selected")
    page.keyboard.press("j")
    page.keyboard.press("x")  # the second row: ticked, then unticked again
    expect(boxes.nth(1)).to_be_checked()
    page.keyboard.press("x")
    expect(boxes.nth(1)).not_to_be_checked()

    refs = [r.locator("td.ref").inner_text() for r in rows.all()]
    ticked = [refs[i] for i in (0, 2, 3, 4)]
    page.get_by_label("Move to team").select_option(label="Technical support engineers")
    screen.check("queue with a selection")
    screen.shoot("queue-bulk")
    page.get_by_role("button", name="Apply to selected").click()

    assert blocked.ref in ticked  # its last change put it first in the queue
    expect(page.locator(".flash-error")).to_contain_text(
        f"Not changed: {blocked.ref}. The protocol says not to escalate it: "
        "Clinician dashboards stay with Tier 1."
    )
    expect(page.locator(".flash-success")).to_contain_text("Changed")
    for ref in ticked:
        ticket = Ticket.objects.select_related("team").get(pk=pk_from_ref(ref))
        if ticket.pk == blocked.pk:
            assert ticket.team_id == blocked.team_id
        else:
            assert ticket.team.slug == "tier-2"
    screen.check("queue after the bulk change")
