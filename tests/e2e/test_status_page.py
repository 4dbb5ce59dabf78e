"""The public status page in a real browser: an incident declared through the services shows on
the page; resolving it brings the component back to operational, puts the incident in the
month's history and moves the figures; the page works with JavaScript turned off, including
subscribing. A support lead's maintenance screen and an organization admin's portal screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.core import clock as clock_module
from caredesk.incidents.models import Component, ComponentState, Service, Subscription
from caredesk.incidents.services import incident_declare, incident_resolve
from tests.factories import PASSWORD, AgentFactory, requester_with_login, supervisor

pytestmark = pytest.mark.e2e


def _component(name: str, service: str) -> Component:
    group, _ = Service.objects.get_or_create(name=service)
    return Component.objects.create(
        service=group,
        name=name,
        slug=name.lower().replace(" ", "-"),
        state_since=clock_module.now(),
        created_at=clock_module.now(),
    )


def _row(page, slug: str):  # type: ignore[no-untyped-def]
    return page.locator(f"li.status-component[data-component='{slug}']")


def test_resolving_an_incident_updates_the_status_page_and_its_history(
    open_screen, browser, live_server, clock
):
    rooms = _component("Video rooms", "Video visits")
    _component("Prescriptions", "E-prescribing")
    clock.advance(days=30)
    agent = AgentFactory()
    incident = incident_declare(
        title="Video rooms fail to connect",
        severity=2,
        actor=agent,
        body="Patients cannot join their visit; we are investigating.",
        components=[(rooms, ComponentState.MAJOR_OUTAGE)],
        page=False,
    )
    clock.advance(hours=2)

    screen = open_screen()
    page = screen.page
    screen.goto("/status/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("status")
    row = _row(page, "video-rooms")
    expect(row).to_contain_text("Major outage")
    expect(page.get_by_role("heading", name="Open incidents")).to_be_visible()
    expect(page.get_by_text("Patients cannot join their visit")).to_be_visible()
    # 30 days and 2 hours known, 2 hours down: 99.72 % (rounded down)
    expect(row.locator("[data-uptime]")).to_have_text("99.72 % uptime")
    expect(row.locator("[data-mttr]")).to_have_text("no incidents resolved")
    screen.check("status page, incident open")
    screen.shoot("status-page-incident")

    incident_resolve(incident=incident, actor=agent, body="The media relay was replaced.")
    clock.advance(days=1)
    page.reload(wait_until="load")
    row = _row(page, "video-rooms")
    expect(row).to_contain_text("Operational")
    expect(page.get_by_role("status")).to_contain_text("All systems operational")
    expect(page.get_by_role("heading", name="Open incidents")).to_have_count(0)
    expect(row.locator("[data-uptime]")).to_have_text("99.73 % uptime")  # a day more, up
    expect(row.locator("[data-mttr]")).to_have_text("average time to resolve 120 min (1 incident)")
    screen.check("status page, resolved")
    screen.shoot("status-page")

    page.get_by_role("navigation", name="Status").get_by_role(
        "link", name="Incident history"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Incident history")
    expect(page.get_by_text("resolved in 120 min")).to_be_visible()
    screen.check("history")
    screen.shoot("status-history")
    page.get_by_role("link", name="Video rooms fail to connect").click()
    expect(page.get_by_text("The media relay was replaced.")).to_be_visible()
    screen.check("incident")
    screen.shoot("status-incident")

    # without JavaScript: the same page, its links and the subscription form
    context = browser.new_context(java_script_enabled=False, locale="en-US", timezone_id="UTC")
    try:
        plain = context.new_page()
        plain.goto(live_server.url + "/status/", wait_until="load")
        expect(_row(plain, "video-rooms")).to_contain_text("Operational")
        expect(_row(plain, "video-rooms").locator("[data-uptime]")).to_have_text("99.73 % uptime")
        plain.get_by_role("link", name="Incident history").first.click()
        expect(plain.get_by_text("Video rooms fail to connect")).to_be_visible()
        plain.get_by_role("link", name="Subscribe", exact=True).click()
        plain.get_by_label("Your email address").fill("noor.halvorsen@mail.example")
        plain.get_by_label("Video visits: Video rooms").check()
        plain.get_by_role("button", name="Subscribe").click()
        expect(plain.get_by_text("Check your inbox")).to_be_visible()
    finally:
        context.close()
    sub = Subscription.objects.get(address="noor.halvorsen@mail.example")
    assert sub.confirmed_at is None and [c.slug for c in sub.components.all()] == ["video-rooms"]


def test_a_lead_schedules_maintenance_and_an_organization_admin_subscribes(open_screen):
    rooms = _component("Video rooms", "Video visits")
    lead = supervisor()
    screen = open_screen()
    page = screen.page
    screen.login(lead.email, PASSWORD)
    screen.settings("Status page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheduled maintenance")
    page.get_by_label("Title").fill("Media relay upgrade")
    page.get_by_label("What changes for customers").fill("Calls may drop for a minute.")
    page.get_by_label(str(rooms)).check()
    page.get_by_label("Starts (UTC)").fill("2030-01-10T10:00")
    page.get_by_label("Ends (UTC)").fill("2030-01-10T11:00")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("cell", name="Media relay upgrade", exact=True)).to_be_visible()
    screen.check("maintenance")
    screen.shoot("status-maintenance")
    screen.goto("/status/")
    expect(page.get_by_text("Media relay upgrade")).to_be_visible()

    admin = requester_with_login(kind=ContactKind.CLIENT_ADMIN)
    portal = open_screen()
    portal.login(admin.user.email, PASSWORD)
    portal.page.get_by_role("link", name="Service status").click()
    expect(portal.page.get_by_role("heading", level=1)).to_have_text("Service status updates")
    portal.page.get_by_label("Email address or webhook URL (https://…)").fill("it@clinic.example")
    with portal.page.expect_navigation(wait_until="load"):
        portal.page.get_by_role("button", name="Subscribe").click()
    expect(portal.page.get_by_text("waiting for confirmation")).to_be_visible()
    portal.check("portal status")
    portal.shoot("portal-status")
    assert Subscription.objects.get().organization_id == admin.organization_id
