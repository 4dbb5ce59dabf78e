"""Mentions, saved views and the account manager's desk in a real browser, by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.core.models import Notification, OutboxItem
from caredesk.tickets.models import Status
from caredesk.tickets.services import ticket_update
from caredesk.workspace.models import SavedView
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.e2e


def _mails_to(address: str) -> list[OutboxItem]:
    return [o for o in OutboxItem.objects.filter(kind="email") if address in o.payload["to"]]


def _check_in(screen) -> None:  # type: ignore[no-untyped-def]
    """Let the page's background check-in run (the browser's clock, not the wall's)."""
    with screen.page.expect_response(re.compile(r"/agent/live/")):
        screen.page.clock.run_for(16_000)


def test_an_agent_mentions_a_colleague_from_the_note_box_by_keyboard(open_screen):
    tier1, engineering = TeamFactory(name="Tier 1 support"), TeamFactory(name="Engineering")
    amara = AgentFactory(name="Amara Osei", email="amara@caredesk.example", teams=[tier1])
    dana = AgentFactory(name="Dana Reyes", email="dana@caredesk.example", teams=[tier1])
    AgentFactory(name="Dario Lindqvist", email="dario@caredesk.example", teams=[tier1])
    AgentFactory(name="Omar Haddad", email="omar@caredesk.example", teams=[engineering])
    ticket = make_ticket(subject="Camera stays black in the visit", team=tier1)

    # Dana has the desk open: her page checks in, so she is at her desk (no mail for her).
    colleague = open_screen()
    colleague.page.clock.install()
    colleague.login(dana.email, PASSWORD)
    colleague.goto("/agent/")
    _check_in(colleague)

    author = open_screen()
    author.login(amara.email, PASSWORD)
    author.goto(f"/agent/tickets/{ticket.pk}/")
    page = author.page
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("n")  # internal note, the box focused
    box = page.locator("#id_body")
    expect(box).to_be_focused()
    expect(page.get_by_text("Type @ and a name to tell a colleague")).to_be_visible()
    box.press_sequentially("Could you check the camera log, @Da")
    listbox = page.get_by_role("listbox", name="People who can see this ticket")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)  # Dana and Dario, not Omar (another team), not Amara
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", f"mention-option-{dana.pk}")
    author.check("note box with the mention list")
    author.shoot("mention-list")

    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # picks Dana; the note is not sent
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Could you check the camera log, @Dana Reyes ")
    expect(box).to_be_focused()
    box.press_sequentially("please?")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    expect(page.locator(".flash")).to_contain_text(f"Note added on {ticket.ref}")

    notice = Notification.objects.get(user=dana)
    assert notice.text == f"Amara Osei mentioned you in an internal note on {ticket.ref}"
    assert _mails_to(dana.email) == []  # at her desk: told there, not mailed

    # Dana's open page shows it at its next check-in, with the unread count.
    _check_in(colleague)
    toast = colleague.page.locator("#live-toasts")
    expect(toast).to_contain_text(f"Amara Osei mentioned you in an internal note on {ticket.ref}")
    expect(colleague.page.locator(".notify-link .count")).to_have_text("1")
    colleague.check("a mention arriving")
    colleague.shoot("mention-arrived")
    with colleague.page.expect_navigation():
        toast.get_by_role("link").click()
    assert colleague.page.url.endswith(f"/agent/tickets/{ticket.pk}/")
    expect(colleague.page.locator(".conversation")).to_contain_text("@Dana Reyes please?")

    # Someone who cannot see the ticket: the list says so, and a typed mention is refused.
    page.keyboard.press("n")
    box.press_sequentially("@Om")
    expect(listbox).to_contain_text("No one called “Om” can see this ticket")
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_be_focused()  # Escape closed the list, and left the box alone
    box.press_sequentially("ar Haddad can you look?")
    author.allow("status of 422")  # the refused note answers 422
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    expect(page.locator(".composer .error-text")).to_contain_text(
        "Omar Haddad cannot see this ticket"
    )
    expect(box).to_have_value("@Omar Haddad can you look?")  # kept to fix
    author.check("a refused mention")
    author.shoot("mention-refused")


def test_a_lead_saves_a_view_shares_it_and_the_team_sees_it_counted(open_screen):
    tier1 = TeamFactory(name="Tier 1 support")
    lead = supervisor(name="Rosa Lindqvist", email="rosa@caredesk.example", teams=[tier1])
    agent = AgentFactory(name="Amara Osei", email="amara@caredesk.example", teams=[tier1])
    for subject in ("Visit will not start", "No sound in the visit"):
        make_ticket(subject=subject, priority=1, team=tier1)
    make_ticket(subject="Invoice copy, please", priority=4, team=tier1)

    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    page = screen.page
    page.get_by_label("Level", exact=True).select_option("1")
    expect(page.locator("table.tickets tbody tr")).to_have_count(2)
    page.get_by_text("Save as a view").click()
    page.get_by_label("Name of the view").fill("Level 1 now")
    page.get_by_label("Last update").uncheck()
    page.get_by_label("Share with a team").select_option(label="Tier 1 support")
    screen.check("saving a view")
    screen.shoot("save-view")
    with page.expect_navigation():
        page.get_by_label("Name of the view").press("Enter")
    expect(page.locator(".flash")).to_contain_text("View “Level 1 now” saved, shared with Tier 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 1 now")
    expect(page.locator("table.tickets th.col-updated")).to_be_hidden()
    view = SavedView.objects.get()
    assert view.team == tier1 and view.filters == {"queue": "open", "priority": 1}
    with page.expect_navigation():
        page.get_by_role("link", name="Manage views").click()
    expect(page.get_by_role("table")).to_contain_text("Level 1 now")
    expect(page.get_by_role("table")).to_contain_text("Tier 1 support")
    screen.check("the views page")
    screen.shoot("views-page")

    # The agent in the team finds it in the sidebar with its count, and opens it by keyboard.
    member = open_screen()
    member.login(agent.email, PASSWORD)
    member.goto("/agent/")
    link = member.page.get_by_role("navigation", name="Queues").get_by_role(
        "link", name=re.compile("Level 1 now")
    )
    expect(link).to_contain_text("2")
    link.focus()
    with member.page.expect_navigation():
        member.page.keyboard.press("Enter")
    expect(member.page.locator("table.tickets tbody tr")).to_have_count(2)
    expect(link).to_have_attribute("aria-current", "page")
    expect(member.page.get_by_text("Change this view")).to_have_count(0)  # a lead's to change
    member.check("a team's view")
    member.shoot("team-view")


def test_an_account_manager_works_from_my_clients_and_hears_of_a_solved_ticket(open_screen):
    manager = AgentFactory(name="Ines Albrecht", email="ines@caredesk.example")
    agent = AgentFactory(name="Amara Osei")
    org = OrganizationFactory(name="Harbourview Health", account_manager=manager)
    ticket = make_ticket(
        requester=ContactFactory(organization=org, name="Noor Vance"), subject="Login loop"
    )
    make_ticket(subject="Someone else's client")

    screen = open_screen()
    screen.page.clock.install()
    screen.login(manager.email, PASSWORD)
    screen.goto("/agent/")
    page = screen.page
    clients = page.get_by_role("navigation", name="Queues").get_by_role(
        "link", name=re.compile("My clients")
    )
    expect(clients).to_contain_text("1")
    with page.expect_navigation():
        clients.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My clients")
    expect(page.locator("table.tickets tbody tr")).to_have_count(1)
    expect(page.locator("table.tickets")).to_contain_text("Login loop")
    _check_in(screen)

    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    _check_in(screen)
    expect(page.locator("#live-toasts")).to_contain_text(
        f"Your client Harbourview Health: {ticket.ref} is solved"
    )
    assert len(_mails_to(manager.email)) == 1
    screen.check("my clients")
    screen.shoot("my-clients")
