"""Complaint files in a real browser: an agent opens the file from the ticket page, a quality
reviewer records the reportability decision and sees the report's due date; the screens are
photographed at 1440 and 390 pixels wide (Screen.shoot)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.complaints.models import Complaint
from caredesk.complaints.services import complaint_update
from tests.factories import PASSWORD, AgentFactory, ContactFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


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
    screen.shoot("complaints-list")
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
    screen.shoot("complaint-file")

    page.get_by_role("link", name="Trends").click()
    expect(page.locator("svg.cf-bars").first).to_be_visible()
    expect(page.locator(".cf-trend-table").first).to_contain_text("over-infusion")
    screen.check("complaint trends")
    screen.shoot("complaint-trends")

    screen.goto(f"/agent/complaints/{complaint.pk}/print/")
    expect(page.get_by_role("heading", name="Version history")).to_be_visible()
    screen.check("printable page")
    screen.shoot("complaint-print")
    decided = Complaint.objects.get(pk=complaint.pk)
    assert decided.decided_by == reviewer and decided.reportability == "serious_injury"
