"""The agent's queue in a real browser: keyboard, htmx filters and a list that stays on one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.scenario import LONG_SUBJECT, build_desk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def queue(screen):
    desk = build_desk()
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    expect(screen.page.get_by_role("heading", level=1)).to_have_text("All open")
    return desk, screen


def rows(page):
    return page.locator("table.tickets tbody tr")


def test_keyboard_moves_opens_searches_and_lists_shortcuts(queue):
    desk, screen = queue
    page = screen.page
    expect(rows(page)).to_have_count(5)
    first_href = rows(page).nth(0).get_attribute("data-href")
    second_href = rows(page).nth(1).get_attribute("data-href")

    page.keyboard.press("j")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("j")
    expect(rows(page).nth(1)).to_have_class(re.compile(r"\bselected\b"))
    expect(rows(page).nth(0)).not_to_have_class(re.compile(r"\bselected\b"))
    # The selected row's link has focus, and focus is visible.
    focused = rows(page).nth(1).locator("td.ref a")
    expect(focused).to_be_focused()
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("k")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(second_href) and second_href != first_href
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.go_back()
    expect(rows(page)).to_have_count(5)
    page.locator("body").click(position={"x": 5, "y": 400})  # nothing focused
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tickets")
    expect(search).to_be_focused()
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()

    dialog = page.locator("dialog#shortcuts")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Keyboard shortcuts")
    for key in ("Search", "Next / previous ticket", "Open the selected ticket", "Assign to me"):
        expect(dialog).to_contain_text(key)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    screen.check("queue after keyboard use")


def test_filters_swap_the_list_without_a_full_reload(queue):
    desk, screen = queue
    page = screen.page
    page.evaluate("() => { window.__sameDocument = true; }")
    list_requests = []
    page.on(
        "request",
        lambda r: list_requests.append(r) if r.headers.get("hx-request") == "true" else None,
    )

    with page.expect_response(lambda r: "priority=1" in r.url and r.status == 200):
        page.get_by_label("Level", exact=True).select_option("1")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(desk.critical.ref)
    expect(page).to_have_url(re.compile(r"priority=1"))
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"
    assert list_requests and list_requests[-1].headers.get("hx-target") == "ticket-list"

    with page.expect_response(lambda r: "priority=4" in r.url and r.status == 200):
        page.get_by_label("Level", exact=True).select_option("4")
    expect(rows(page)).to_have_count(2)
    with page.expect_response(lambda r: "q=nurses" in r.url and r.status == 200):
        page.get_by_label("Search in this queue").fill("nurses")
        page.get_by_label("Search in this queue").press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Add two new nurses")

    page.get_by_label("Level", exact=True).select_option("2")
    expect(page.locator("#ticket-list .empty")).to_contain_text("No ticket matches these filters")
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"
    screen.check("queue after filtering")


def test_long_subjects_stay_on_one_line_with_an_ellipsis(queue):
    desk, screen = queue
    page = screen.page
    link = page.locator("td.subject a", has_text=LONG_SUBJECT[:30])
    for size in ({"width": 1280, "height": 800}, {"width": 768, "height": 1024}):
        page.set_viewport_size(size)
        box = link.evaluate(
            """el => ({
              overflow: getComputedStyle(el).textOverflow,
              clipped: el.scrollWidth > el.clientWidth,
              lines: Math.round(el.getBoundingClientRect().height
                                / parseFloat(getComputedStyle(el).lineHeight)),
              title: el.title,
            })"""
        )
        assert box == {"overflow": "ellipsis", "clipped": True, "lines": 1, "title": LONG_SUBJECT}
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the queue scrolls sideways at {size}"
    # Level 1 stands out: a solid badge and a marker on the row, not colour alone.
    row = page.locator("tr.level-1")
    expect(row.locator(".badge.level-1")).to_have_text("1 · Critical")
    assert row.locator("td").first.evaluate("el => getComputedStyle(el).boxShadow") != "none"


def test_a_supervisor_downloads_the_filtered_queue_as_csv(screen):
    from tests.factories import supervisor

    desk = build_desk()
    lead = supervisor(name="Noor Castellan", email="noor.castellan@caredesk.example")
    screen.login(lead.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    page = screen.page
    with page.expect_response(lambda r: "priority=1" in r.url and r.status == 200):
        page.get_by_label("Level", exact=True).select_option("1")
    expect(rows(page)).to_have_count(1)
    export = page.get_by_role("link", name="Export these tickets (CSV)")
    expect(export).to_have_attribute("href", re.compile(r"priority=1"))  # follows the filters
    screen.check("the queue with its export")
    screen.shoot("queue-export")
    with page.expect_download() as caught:
        export.click()
    download = caught.value
    assert re.fullmatch(r"tickets-\d{8}-\d{4}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Ticket,Subject,Status,Level")
    assert len(lines) == 2 and lines[1].startswith(desk.critical.ref)
