"""On call in a real browser: a support lead sees who is on call now and next, puts a colleague
on call with an override, and acknowledges a page from the Pages screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from caredesk.oncall.models import Override, Page, PageState
from caredesk.oncall.services import page_open
from tests.factories import PASSWORD, AgentFactory
from tests.oncall.conftest import clinical_team

pytestmark = pytest.mark.e2e


def test_a_lead_adds_an_override_and_acknowledges_a_page(open_screen):
    clinical = clinical_team()
    cover = AgentFactory(name="Rasmus Eklund-Vey", teams=[clinical.team])
    page_open(team=clinical.team, text="Incident: video visits failing")

    screen = open_screen()
    screen.login(clinical.lead.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="On call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On call")
    where = f"section[aria-labelledby='schedule-{clinical.schedule.pk}']"
    section = page.locator(where)
    expect(section.get_by_text("On call now")).to_be_visible()
    expect(section.get_by_text("The week ahead")).to_be_visible()
    screen.check("on call")
    screen.shoot("oncall-schedules")

    screen.allow("status of 422")  # the override ending before it starts, as intended
    section.get_by_text("Add an override").click()
    section.get_by_label("Who is on call instead").select_option(label=cover.name)
    section.get_by_label("From (your time zone)").fill("2026-01-01T00:00")
    section.get_by_label("Until (your time zone)").fill("2025-12-31T00:00")
    with page.expect_navigation(wait_until="load"):
        section.get_by_role("button", name="Add override").click()
    expect(page.get_by_text("The override must end after it starts.")).to_be_visible()
    assert not Override.objects.exists()

    section = page.locator(where)
    section.get_by_label("Who is on call instead").select_option(label=cover.name)
    section.get_by_label("From (your time zone)").fill("2026-01-01T00:00")
    section.get_by_label("Until (your time zone)").fill("2026-03-01T00:00")
    section.get_by_label("Reason").fill("covering a conference")
    with page.expect_navigation(wait_until="load"):
        section.get_by_role("button", name="Add override").click()
    expect(page.get_by_role("status").first).to_contain_text("Override added")
    override = Override.objects.get()
    assert (override.user, override.reason) == (cover, "covering a conference")

    page.get_by_role("link", name="Pages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pages")
    screen.check("pages")
    screen.shoot("oncall-pages")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Acknowledge").first.click()
    expect(page.get_by_role("status").first).to_contain_text("acknowledged")
    assert Page.objects.get().state == PageState.ACKNOWLEDGED


def test_a_page_appears_on_the_desk_page_the_liaison_has_open_and_is_acknowledged_there(
    open_screen, clock
):
    # the rotation's second week, whose liaison is `primary`, whatever today's week is
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    clinical = clinical_team()
    screen = open_screen()
    screen.login(clinical.primary.email, PASSWORD)
    page = screen.page
    screen.goto("/agent/")
    desk_url = page.url
    expect(page.locator("#live-pages")).to_be_empty()

    paged = page_open(team=clinical.team, text="Incident: video visits failing")
    # what the desk page's 15-second background refresh does, done now
    page.evaluate(
        "htmx.ajax('GET', '/agent/live/',"
        " {source: '#live-notices', target: '#live-notices', swap: 'outerHTML'})"
    )
    alert = page.locator("#live-pages").get_by_role("region", name=f"Page {paged.code}")
    expect(alert).to_contain_text("Incident: video visits failing")
    screen.check("a page waiting on the desk")
    screen.shoot("oncall-live-page")

    with page.expect_navigation(wait_until="load"):
        alert.get_by_role("button", name=f"Acknowledge page {paged.code}").click()
    assert page.url == desk_url, "back on the page the liaison was working on"
    expect(page.get_by_role("status").first).to_contain_text(f"Page {paged.code} acknowledged")
    paged.refresh_from_db()
    assert (paged.state, paged.acknowledged_by) == (PageState.ACKNOWLEDGED, clinical.primary)
