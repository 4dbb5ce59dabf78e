"""The desk's top bar for the roles with the most links: everything fits at 1440 and at 390 px,
and the desk's configuration sits in one Settings menu that works from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_ADMIN, ROLE_SUPERVISOR
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (
            ROLE_SUPERVISOR,
            ["Macros", "Protocols", "Mailboxes", "Statuses", "Checklists", "Service plans"],
        ),
        (
            ROLE_ADMIN,
            [
                "Macros",
                "Protocols",
                "Mailboxes",
                "Statuses",
                "Checklists",
                "Service plans",
                "Admin",
            ],
        ),
    ],
)
def test_the_top_bar_fits_and_its_settings_menu_opens_and_closes_by_keyboard(
    open_screen, role, links
):
    desk = build_desk()
    AgentFactory(name="Perpetua Lindqvist-Oyelaran", email="p.lo@caredesk.example", role=role)
    screen = open_screen()
    screen.login("p.lo@caredesk.example", PASSWORD)
    screen.goto(f"/agent/tickets/{desk.earlier.pk}/")
    page = screen.page
    bar = page.get_by_role("navigation", name="Account")
    expect(bar.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("search").get_by_role("searchbox")).to_be_visible()
    menu = page.locator("#settings-menu")
    for name in links:  # tucked away until asked for
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_hidden()
    screen.shoot(f"topbar-{role.lower()}")  # no sideways scrolling at either width

    page.set_viewport_size({"width": 1440, "height": 900})
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    for name in [*links, "API tokens"]:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    screen.check("settings menu open")
    page.keyboard.press("Escape")  # closes it and gives the focus back to its button
    expect(menu.get_by_role("link", name="API tokens")).to_be_hidden()
    expect(menu.locator("summary")).to_be_focused()
    screen.settings("Statuses")
    expect(page.get_by_role("heading", name="Statuses", level=1)).to_be_visible()
