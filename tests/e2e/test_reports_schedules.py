"""Scheduled reports in a real browser: a support lead creates a monthly report of one clinic,
the worker sends it on the 1st, the lead changes it to a quarterly business review for another
lead and reads when the next one goes out, submits it with no recipient and no format and sees
both errors on their fields with everything else kept, then deletes it after a confirmation; the
report already sent stays listed. Screenshots at 1440 and 390 of the refused form and of the list
after the delete."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from caredesk.reports.models import ReportSchedule, ReportSent
from caredesk.reports.schedules import reports_send
from tests.e2e import conftest as e2e
from tests.e2e.reports_steps import SHOTS
from tests.factories import PASSWORD, AgentFactory, OrganizationFactory, supervisor

pytestmark = pytest.mark.e2e


def test_a_lead_creates_edits_and_deletes_a_scheduled_report(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    clock.set(datetime(2026, 11, 26, 14, tzinfo=UTC))  # a Thursday; sessions outlast 5 days
    lead = supervisor(name="Odile Brannock", email="odile.brannock@caredesk.example")
    other = supervisor(name="Casimir Vantongeren", email="casimir.vantongeren@caredesk.example")
    AgentFactory(name="Petra Lindqvist", email="petra.lindqvist@caredesk.example")
    OrganizationFactory(name="Harrowgate Dialysis Centre")
    OrganizationFactory(name="Bramblecote Surgery")
    screen = open_screen()
    page = screen.page
    screen.login(lead.email, PASSWORD)
    screen.goto("/agent/reports/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Scheduled reports").click()
    expect(page.get_by_role("heading", name="Scheduled reports", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="No scheduled reports")).to_be_visible()

    # --- a monthly report of one clinic, from the keyboard ---------------------------------------
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="New schedule").click()
    expect(page.get_by_role("heading", name="New scheduled report", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Harrowgate monthly figures")
    page.keyboard.press("Tab")
    expect(page.get_by_label("How often")).to_be_focused()
    page.keyboard.type("Monthly")
    expect(page.get_by_label("How often").locator("option:checked")).to_have_text(
        "Monthly (the 1st, the month before)"
    )
    page.keyboard.press("Tab")
    expect(page.get_by_label("Organization")).to_be_focused()
    page.keyboard.type("Harrowgate")
    # only the people who may see the whole desk's figures can be chosen
    recipients = page.get_by_role("group", name="Send to")
    expect(recipients.get_by_role("checkbox")).to_have_count(2)
    expect(recipients).not_to_contain_text("Petra Lindqvist")
    recipients.get_by_role("checkbox", name="Odile Brannock").focus()
    page.keyboard.press("Space")
    formats = page.get_by_role("group", name="Formats")
    expect(formats.get_by_role("checkbox", name="PDF")).to_be_checked()  # the defaults
    expect(formats.get_by_role("checkbox", name="CSV")).to_be_checked()
    formats.get_by_role("checkbox", name="CSV").uncheck()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        "Saved. The next report goes out Tue 01 Dec 2026, 06:00."
    )
    schedules = page.get_by_role("region", name="Schedules")
    row = schedules.get_by_role("row", name=re.compile("Harrowgate monthly figures"))
    expect(row.get_by_role("cell")).to_have_text(
        [
            "Monthly (the 1st, the month before)",
            "Harrowgate Dialysis Centre",
            "Odile Brannock",
            "PDF",
            "Tue 1 Dec 2026, 06:00",
        ]
    )
    expect(page.get_by_text("Nothing sent yet.")).to_be_visible()

    # --- the worker mails November's report on the 1st -------------------------------------------
    clock.set(datetime(2026, 12, 1, 6, 5, tzinfo=UTC))
    assert reports_send() == 1
    page.reload()
    sent = page.get_by_role("region", name="Reports sent")
    expect(sent.get_by_role("row", name=re.compile("Harrowgate monthly figures"))).to_contain_text(
        "1 Nov 2026 – 30 Nov 2026"
    )
    expect(row.get_by_role("cell").last).to_have_text("Fri 1 Jan 2027, 06:00")

    # --- a quarterly business review for the other lead ------------------------------------------
    with page.expect_navigation(wait_until="load"):
        schedules.get_by_role("link", name="Harrowgate monthly figures").click()
    expect(page.get_by_role("heading", name="Harrowgate monthly figures", level=1)).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Harrowgate monthly figures")
    expect(page.get_by_label("Organization").locator("option:checked")).to_have_text(
        "Harrowgate Dialysis Centre"
    )
    recipients = page.get_by_role("group", name="Send to")
    expect(recipients.get_by_role("checkbox", name="Odile Brannock")).to_be_checked()
    page.get_by_label("Name").fill("Harrowgate business review")
    page.get_by_label("How often").select_option(
        label="Quarterly business review (the quarter before)"
    )
    recipients.get_by_role("checkbox", name="Odile Brannock").uncheck()
    recipients.get_by_role("checkbox", name="Casimir Vantongeren").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save").click()
    # the quarter after the one of 1 December begins on 1 January
    expect(page.get_by_role("status")).to_contain_text(
        "Saved. The next report goes out Fri 01 Jan 2027, 06:00."
    )
    row = schedules.get_by_role("row", name=re.compile("Harrowgate business review"))
    expect(row.get_by_role("cell")).to_have_text(
        [
            "Quarterly business review (the quarter before)",
            "Harrowgate Dialysis Centre",
            "Casimir Vantongeren",
            "PDF",
            "Fri 1 Jan 2027, 06:00",
        ]
    )
    saved = ReportSchedule.objects.get()
    assert saved.cadence == "quarterly"
    assert [u.email for u in saved.recipients.all()] == [other.email]

    # --- no one to send to and no format: both errors on their fields, nothing else lost --------
    with page.expect_navigation(wait_until="load"):
        schedules.get_by_role("link", name="Harrowgate business review").click()
    page.get_by_label("Team").select_option(label="Every team")
    page.get_by_role("group", name="Send to").get_by_role(
        "checkbox", name="Casimir Vantongeren"
    ).uncheck()
    page.get_by_role("group", name="Formats").get_by_role("checkbox", name="PDF").uncheck()
    page.get_by_label("Name").fill("Harrowgate QBR")
    screen.allow("status of 422")  # the refused form answers 422 with its errors
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save").click()
    recipients = page.get_by_role("group", name="Send to")
    formats = page.get_by_role("group", name="Formats")
    expect(recipients.get_by_role("alert")).to_have_text("Choose at least one person.")
    expect(formats.get_by_role("alert")).to_have_text("Choose at least one format.")
    expect(page.get_by_label("Name")).to_have_value("Harrowgate QBR")
    expect(page.get_by_label("How often").locator("option:checked")).to_have_text(
        "Quarterly business review (the quarter before)"
    )
    expect(page.get_by_label("Organization").locator("option:checked")).to_have_text(
        "Harrowgate Dialysis Centre"
    )
    expect(page.get_by_role("checkbox", name="Active")).to_be_checked()
    for box in (*recipients.get_by_role("checkbox").all(), *formats.get_by_role("checkbox").all()):
        expect(box).not_to_be_checked()
    assert ReportSchedule.objects.get().name == "Harrowgate business review"  # not saved
    screen.check("schedule refused")
    screen.shoot("reports-schedule-errors")
    recipients.get_by_role("checkbox", name="Casimir Vantongeren").check()
    formats.get_by_role("checkbox", name="CSV").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save").click()
    row = schedules.get_by_role("row", name=re.compile("Harrowgate QBR"))
    expect(row.get_by_role("cell").nth(3)).to_have_text("CSV")
    # the cadence did not change: the next report is still the one of 1 January
    expect(page.get_by_role("status")).to_contain_text("goes out Fri 01 Jan 2027, 06:00.")

    # --- delete, after a confirmation; the report sent stays --------------------------------------
    with page.expect_navigation(wait_until="load"):
        schedules.get_by_role("link", name="Harrowgate QBR").click()
    asked: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Delete this schedule").click()
    expect(page.get_by_role("heading", name="Harrowgate QBR", level=1)).to_be_visible()
    assert asked == ["Delete the schedule “Harrowgate QBR”? Reports already sent stay listed."]
    assert ReportSchedule.objects.count() == 1, "dismissing the question deletes nothing"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Delete this schedule").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The schedule “Harrowgate QBR” was deleted; reports already sent stay listed."
    )
    expect(page.get_by_role("region", name="Schedules")).to_have_count(0)
    expect(page.get_by_role("heading", name="No scheduled reports")).to_be_visible()
    sent_rows = page.get_by_role("region", name="Reports sent").locator("tbody tr")
    expect(sent_rows).to_have_count(1)
    expect(sent_rows.get_by_role("rowheader")).to_have_text("Harrowgate monthly figures")
    expect(sent_rows.get_by_role("cell").nth(0)).to_have_text("1 Nov 2026 – 30 Nov 2026")
    expect(sent_rows.get_by_role("cell").nth(1)).to_have_text("1")  # mailed to Odile Brannock
    expect(sent_rows.get_by_role("cell").nth(2)).to_have_text("0")  # no one left out
    expect(sent_rows.locator("time")).to_have_attribute("title", "2026-12-01 06:05 UTC")
    assert not ReportSchedule.objects.exists()
    assert ReportSent.objects.get().schedule_id is None
    screen.check("schedules after the delete")
    screen.shoot("reports-schedules-deleted")
