"""Monitors in a real browser: an administrator sets up a component paged to the clinical
team and a monitor against a service on 127.0.0.1; the service starts failing; the worker's
sweeps (run in-process as the clock moves) open a Sev 2 incident and page the on-call engineer,
whose SMS reaches the phone company's stand-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.core.outbox import outbox_deliver
from caredesk.incidents.models import Component, ComponentState, Incident, Monitor, Service, Source
from caredesk.incidents.monitors import monitors_run
from tests.factories import PASSWORD, AgentFactory
from tests.incidents.conftest import watched  # noqa: F401 - the service to watch
from tests.oncall.conftest import PHONES, clinical_team

pytestmark = pytest.mark.e2e


def test_a_failing_service_opens_a_sev2_incident_and_pages_the_on_call_engineer(
    open_screen,
    clock,
    watched,  # noqa: F811
    twilio_peer,
):
    clinical = clinical_team()
    admin = AgentFactory(
        role=ROLE_ADMIN, name="Ottilie Brandvik", email="ottilie.brandvik@caredesk.example"
    )
    Service.objects.create(name="Video visits")

    screen = open_screen()
    screen.login(admin.email, PASSWORD)
    page = screen.page
    screen.settings("Services and components")
    expect(page.get_by_role("heading", level=1)).to_have_text("Services and components")

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="New component").click()
    page.get_by_label("Service", exact=True).select_option(label="Video visits")
    page.get_by_label("Name", exact=True).fill("Video rooms")
    page.get_by_label("Short name in links").fill("video-rooms")
    page.get_by_label("Team paged for its incidents").select_option(label=clinical.team.name)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save component").click()
    expect(page.get_by_role("status").first).to_contain_text("Component “Video rooms” saved")
    component = Component.objects.get(slug="video-rooms")
    assert component.team == clinical.team
    screen.check("services and components")
    screen.shoot("monitors-components")

    page.get_by_role("link", name="Monitors", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitors")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="New monitor").click()
    page.get_by_label("Name", exact=True).fill("Video rooms health")
    page.get_by_label("Component it watches").select_option(label=str(component))
    screen.allow("status of 422")  # the ftp URL, refused as intended
    page.get_by_label("URL to check").fill("ftp://127.0.0.1/health")
    page.get_by_label("Latency budget (ms)").fill("1500")
    page.get_by_label("Expected text in the response (optional)").fill("all systems normal")
    page.get_by_label("Failures (and successes) in a row before it acts").fill("2")
    page.get_by_label("Severity of the incident it opens").select_option(label="Sev 2 (major)")
    page.get_by_label("May call private and loopback addresses").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save monitor").click()
    expect(page.get_by_text("Only http:// and https:// URLs can be checked.")).to_be_visible()
    screen.check("a refused monitor")
    screen.shoot("monitors-refused")
    assert not Monitor.objects.exists()

    page.get_by_label("URL to check").fill(watched.url)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save monitor").click()
    expect(page.get_by_role("status").first).to_contain_text("Monitor “Video rooms health” saved")
    monitor = Monitor.objects.get()

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Check now").click()
    expect(page.get_by_role("table")).to_contain_text("200")
    expect(page.locator("h1 .badge")).to_have_text("Up")

    # the service starts failing; the worker's minute sweeps run as the clock moves
    watched.failing(503)
    clock.advance(minutes=1)
    assert monitors_run() == 1
    assert not Incident.objects.exists(), "one failure of two"
    clock.advance(minutes=1)
    assert monitors_run() == 1
    incident = Incident.objects.get()
    assert (incident.severity, incident.source) == (2, Source.MONITOR)
    component.refresh_from_db()
    assert component.state == ComponentState.MAJOR_OUTAGE

    screen.goto(f"/agent/incidents/monitors/{monitor.pk}/")
    expect(page.get_by_test_id("open-incident")).to_contain_text(
        f"INC-{incident.number} Sev 2: Video rooms health is failing: status 503, expected 200"
    )
    expect(page.locator("h1 .badge")).to_have_text("Down")
    screen.check("a monitor with its incident")
    screen.shoot("monitors-detail-incident")

    # the on-call engineer of the component's team is paged by SMS
    outbox_deliver()
    (sms,) = twilio_peer.texts(PHONES["primary"])
    assert f"INC-{incident.number} Sev 2" in sms.form["Body"]

    screen.goto("/agent/incidents/monitors/")
    expect(page.get_by_role("table")).to_contain_text(f"INC-{incident.number}")
    screen.check("the monitors list")
    screen.shoot("monitors-list")
