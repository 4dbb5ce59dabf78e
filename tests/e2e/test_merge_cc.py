"""Merging and people in copy as an agent does it: "Merge into…" from the ticket page and the
queue's selection merged, both by keyboard; a CC added on the desk gets the next public reply
in the mail server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.core.outbox import outbox_deliver
from caredesk.tickets.models import Status, Ticket
from tests.e2e import conftest as e2e
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, ContactFactory, make_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _screenshots_in_tmp(monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path("/tmp/caredesk-merge-screens"))  # noqa: S108


@pytest.fixture
def desk():
    return build_desk()


def test_agent_merges_from_the_ticket_page_with_the_keyboard(desk, screen):
    page = screen.page
    source = make_ticket(
        ContactFactory(name="Ansel Pardoe", organization=desk.organization),
        subject="Portal password email missing",
        body="I asked for a reset twice, nothing came.",
    )
    screen.login(desk.agent.email, PASSWORD)
    screen.goto(f"/agent/tickets/{source.pk}/")
    page.get_by_role("link", name="Merge into…").focus()
    page.keyboard.press("Enter")
    search = page.get_by_label("Ticket to merge into", exact=True)
    expect(search).to_be_focused()
    page.keyboard.type("password")
    page.keyboard.press("Enter")
    choice = page.get_by_role("link", name=desk.earlier.ref)
    expect(choice).to_be_visible()
    choice.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Continues on: {desk.earlier.ref}")).to_be_visible()
    expect(page.locator("#merge-source-title")).to_contain_text(source.ref)
    page.get_by_label("Note to the requester (optional)").fill("Same reset problem.")
    screen.check("merge preview")
    screen.shoot("merge-preview")
    page.get_by_role("button", name=f"Merge {source.ref} into {desk.earlier.ref}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(
        f"{source.ref} was merged into {desk.earlier.ref}."
    )
    expect(page.locator(".msg .badge.merged-from").first).to_have_text(f"from {source.ref}")
    expect(page.locator("#thread-ccs")).to_contain_text("Ansel Pardoe")
    assert Ticket.objects.get(pk=source.pk).merged_into_id == desk.earlier.pk
    screen.check("merged ticket")
    screen.shoot("merged-ticket")


def test_agent_merges_a_selection_from_the_bulk_bar_by_keyboard(desk, screen):
    page = screen.page
    extra = make_ticket(
        ContactFactory(name="Wilhelmina Sorrel", organization=desk.organization),
        subject="Reset email never arrives either",
    )
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    rows = page.locator("table.tickets tbody tr")
    page.locator("h1").click()
    refs = [r.locator("td.ref").inner_text() for r in rows.all()]
    page.keyboard.press("j")  # the newest: the extra ticket
    assert refs[0] == extra.ref
    page.keyboard.press("x")
    expect(page.locator("[data-bulk-count]")).to_have_text("1 ticket selected")
    field = page.get_by_label("Merge selected into")
    field.focus()
    page.keyboard.type(desk.earlier.ref)
    screen.check("queue with a merge")
    screen.shoot("queue-merge")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(
        f"Changed 1 of 1 tickets (merged_into): {extra.ref}."
    )
    extra.refresh_from_db()
    assert extra.merged_into_id == desk.earlier.pk and extra.status == Status.CLOSED


def test_a_cc_added_by_an_agent_gets_the_next_public_reply(desk, screen, smtp):
    page = screen.page
    screen.login(desk.agent.email, PASSWORD)
    screen.goto(f"/agent/tickets/{desk.earlier.pk}/")
    screen.allow("status of 422")  # the refused address comes back with its error
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Add to copy").click()
    expect(page.locator("#cc_email_error")).to_contain_text("Enter a valid email address")
    page.get_by_label("Email address").fill("carer.quennell@family.example")
    page.get_by_label("Name (optional)").fill("Rosalind Quennell")
    page.get_by_role("button", name="Add to copy").click()
    expect(page.locator("#thread-ccs")).to_contain_text("carer.quennell@family.example")
    screen.check("ticket with a CC")
    screen.shoot("ticket-ccs")
    outbox_deliver()
    smtp.messages.clear()
    page.locator("#id_body").fill("The reset email is on its way again.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Reply sent on {desk.earlier.ref}.")
    outbox_deliver()  # whatever the worker has not sent yet
    recipients = {r for _sender, rcpts, _raw in smtp.messages for r in rcpts}
    assert {"carer.quennell@family.example", desk.requester.email} <= recipients
    (sent,) = [m for m in smtp.parsed() if "carer.quennell" in str(m["Cc"])]
    assert "The reset email is on its way again." in sent.get_content()
