"""Searching the desk in a real browser: `/`, the ranked results with the words marked, the
filters swapped in place, and the keyboard from the results to the ticket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import MessageKind
from caredesk.tickets.services import Body, message_add
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD, make_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk_with_words(screen):
    desk = build_desk()
    message_add(
        ticket=desk.critical,
        kind=MessageKind.PUBLIC,
        body=Body(
            text="Since this morning Safari asks for microphone permission before every visit "
            "and the clinician hears nothing once the patient allows it."
        ),
        actor=desk.critical.requester,
    )
    message_add(
        ticket=desk.others[0],
        kind=MessageKind.INTERNAL,
        body=Body(text="Dr. Lindqvist-Ibáñez confirmed the microphone permission prompt."),
        actor=desk.agent,
    )
    make_ticket(
        desk.requester,
        subject="Réanimation: l'écran reste noir pendant la consultation",
        body="Le médecin ne voit plus le patient.",
        priority=2,
    )
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    return desk, screen


def rows(page):
    return page.locator("table.search-results tbody tr")


def test_an_agent_searches_by_keyboard_and_opens_a_result(desk_with_words):
    desk, screen = desk_with_words
    page = screen.page
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search tickets")
    expect(search).to_be_focused()
    search.fill("microphone permission")
    with page.expect_navigation(wait_until="load"):
        search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search: “microphone permission”")
    expect(rows(page)).to_have_count(2)
    # the words are marked where they were found, an internal note labelled as one
    expect(page.locator("mark", has_text="microphone").first).to_be_visible()
    expect(page.locator(".snippet-internal")).to_contain_text("Lindqvist")
    screen.check("search results")
    screen.shoot("search-results")

    page.keyboard.press("j")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"\bselected\b"))
    first = rows(page).nth(0).get_attribute("data-href")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(first) and "from=search" in page.url


def test_filters_swap_the_results_in_place_and_accents_do_not_matter(desk_with_words):
    desk, screen = desk_with_words
    page = screen.page
    screen.goto("/agent/search/?q=microphone")
    expect(rows(page)).to_have_count(2)
    page.evaluate("() => { window.__sameDocument = true; }")
    with page.expect_response(lambda r: "priority=1" in r.url and r.status == 200):
        page.get_by_label("Level", exact=True).select_option("1")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(desk.critical.ref)
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"

    page.get_by_label("Search for").fill("reanimation ecran")
    with page.expect_response(lambda r: "reanimation" in r.url and r.status == 200):
        page.get_by_label("Level", exact=True).select_option("")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator("mark").first).to_have_text("Réanimation")
    screen.check("search with accents")

    # a mistake in a filter is said in place of the results, then named on its field
    screen.allow("status of 422")
    page.get_by_label("Opened from").fill("2026-05-02")
    with page.expect_response(lambda r: "created_to" in r.url and r.status == 422):
        page.get_by_label("Opened until").fill("2026-05-01")
    expect(page.locator("#search-results [role=alert]")).to_contain_text("before its start")
    assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"
    screen.goto("/agent/search/?q=reanimation&created_from=2026-05-02&created_to=2026-05-01")
    expect(page.locator("#id_created_to_error")).to_contain_text("before its start")
    expect(page.get_by_label("Search for")).to_have_value("reanimation")
    screen.check("search with a bad period")
    screen.shoot("search-error")


def test_a_broad_query_says_it_ranked_only_the_most_recent_matches(screen, monkeypatch):
    from caredesk.tickets import search

    desk = build_desk()
    monkeypatch.setattr(search, "BROAD", 3)
    for n in range(5):
        make_ticket(desk.requester, subject=f"Tablet {n} will not charge")
    screen.login(desk.agent.email, PASSWORD)
    screen.goto("/agent/search/?q=tablet")
    summary = screen.page.locator(".search-summary")
    expect(summary).to_contain_text("best of the 3 most recent matches")
    expect(rows(screen.page)).to_have_count(3)
    screen.check("broad search")
    screen.shoot("search-broad")
    screen.goto("/agent/?queue=all&q=tablet")
    expect(screen.page.locator(".search-summary")).to_contain_text("only the 3 most recent")
    screen.check("broad queue search")
    screen.shoot("queue-broad-search")
