"""Complaint files in a real browser: an agent opens the file from the ticket page, a quality
reviewer records the reportability decision and sees the report's due date; the screens are
photographed at 1440 and 390 pixels wide."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.complaints.models import Complaint
from caredesk.complaints.services import complaint_update
from tests.factories import PASSWORD, AgentFactory, ContactFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).parent / "screenshots"
SIZES = ({"width": 1440, "height": 900}, {"width": 390, "height": 844})


def shoot(screen, name: str) -> None:
    """Full-page screenshots at a wide desk and a phone; neither scrolls sideways."""
    page = screen.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for size in SIZES:
            page.set_viewport_size(size)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {size['width']}"
            page.screenshot(
                path=SHOTS / f"{name}-{size['width']}.png",
                full_page=True,
                animations="disabled",
                caret="hide",
            )
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})


def test_an_agent_opens_a_complaint_file_and_quality_decides_reportability(
    open_screen, clock, settings
):
    settings.CAREDESK_COMPLAINT_CALENDAR = ""  # the shipped business calendar, Mon-Fri
    team = TeamFactory(name="Device support", slug="device-support")
    agent = AgentFactory(
        teams=[team], name="Sunniva Hargreave", email="sunniva.agent@caredesk.example"
    )
    reviewer = AgentFactory(
        role=ROLE_QUALITY, name="Dr. Cosmo Penhaligon", email="cosmo.quality@caredesk.example"
    )
    requester = ContactFactory(name="Araminta Fell", email="a.fell@patients.example")
    ticket = make_ticket(
        requester,
        subject="Infusion pump over-delivered the programmed dose",
        body="The pump delivered twice the programmed dose overnight; the patient was admitted.",
        team=team,
    )

    # --- the agent opens the file from the ticket page -----------------------------------------
    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Open complaint file").click()
    complaint = Complaint.objects.get(ticket=ticket)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Complaint file {complaint.ref}")
    expect(page.locator("#mdr-clock")).to_contain_text("30 days left")
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    screen.check("complaint file (agent)")

    complaint_update(
        complaint=complaint,
        changes={
            "failure_mode": "over-infusion",
            "imdrf_codes": ["A0401", "E2101"],
            "patient_outcome": "serious_injury",
        },
        note="Coded from the clinic's report.",
        actor=agent,
    )

    # --- quality records the decision and sees the due date ----------------------------------
    screen = open_screen()
    screen.login(reviewer.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="Complaints").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaint files")
    screen.check("complaint list")
    shoot(screen, "complaints-list")
    page.get_by_role("link", name=complaint.ref).click()
    page.get_by_label("Reportable: serious injury").check()
    page.get_by_label("Rationale").fill(
        "Patient admitted after a double dose: serious injury under 21 CFR 803.3."
    )
    page.get_by_label("5-day report", exact=False).check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status").first).to_contain_text("The MDR report is due 2026-11-09")
    expect(page.locator("#mdr-clock")).to_contain_text("Mon 9 Nov 2026")
    expect(page.locator("#mdr-clock")).to_contain_text("7 days left")
    expect(page.locator(".cf-versions tbody tr")).to_have_count(3)
    screen.check("complaint file (decided)")
    shoot(screen, "complaint-file")

    page.get_by_role("link", name="Trends").click()
    expect(page.locator("svg.cf-bars").first).to_be_visible()
    expect(page.locator(".cf-trend-table").first).to_contain_text("over-infusion")
    screen.check("complaint trends")
    shoot(screen, "complaint-trends")

    screen.goto(f"/agent/complaints/{complaint.pk}/print/")
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    screen.check("printable page")
    shoot(screen, "complaint-print")
    decided = Complaint.objects.get(pk=complaint.pk)
    assert decided.decided_by == reviewer and decided.reportability == "serious_injury"
