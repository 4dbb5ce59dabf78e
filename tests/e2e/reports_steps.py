"""Steps the Reports screens' browser tests share: where their screenshots go, signing in and
opening Reports from the top bar, and choosing from a filter with the keyboard."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.factories import PASSWORD

SHOTS = Path(tempfile.gettempdir()) / "caredesk-reports-shots"


def open_reports(open_screen: Any, person: Any) -> Any:
    """A fresh browser signed in as `person`, on Reports from the top bar; the screen."""
    screen = open_screen()
    page = screen.page
    screen.login(person.email, PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation", name="Account").get_by_role(
            "link", name="Reports", exact=True
        ).click()
    return screen


def choose_and_show(page: Any, form: Any, label: str, typed: str, shown: str) -> None:
    """Type the start of a choice into a filter's select, check it is chosen, and show the
    figures with Enter on the form's Show button."""
    field = form.get_by_label(label)
    field.focus()
    page.keyboard.type(typed)
    expect(field.locator("option:checked")).to_have_text(shown)
    with page.expect_navigation(wait_until="load"):
        form.get_by_role("button", name="Show").press("Enter")
