"""The Reports screen in a real browser. A support lead signs in, opens Reports from the top
bar, reads the key figures with their band words, narrows the figures to one team broken down
by agent from the keyboard, opens the tickets behind a figure and a breakdown row's count and
goes back to the figures with the filters kept; a chart's table holds each day's counts. An
agent sees only their own figures. Screenshots at 1440 and 390 of the dashboard, the tickets
behind a figure and an agent's own figures."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from caredesk.reports import rollup
from caredesk.sla.defaults import install_defaults
from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
from caredesk.tickets.services import Body, message_add, ticket_update
from tests.e2e import conftest as e2e
from tests.e2e.reports_steps import SHOTS, open_reports
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.e2e


def _solve(ticket: Any, agent: Any, replies: int = 1) -> None:
    """Answer the requester `replies` times, then solve: one reply is first-contact resolution."""
    for _ in range(replies):
        message_add(ticket=ticket, kind="public", body=Body(text="Please try this."), actor=agent)
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)


def _desk(clock: Any) -> dict[str, Any]:
    """Two teams over a week: Video Visits (Ilse Marwick, Tobin Achterberg) and Device Support
    (Ruta Kallio), with a lead over both; the figures are rolled up as the worker does."""
    install_defaults(Calendar, SlaPolicy, SlaTarget)  # the shipped SLA (a flush removes it)
    clock.set(datetime(2026, 10, 28, 9, tzinfo=UTC))  # a Wednesday
    video = TeamFactory(name="Video Visits", slug="video-visits")
    devices = TeamFactory(name="Device Support", slug="device-support")
    ilse = AgentFactory(teams=[video], name="Ilse Marwick", email="ilse.marwick@caredesk.example")
    tobin = AgentFactory(
        teams=[video], name="Tobin Achterberg", email="tobin.achterberg@caredesk.example"
    )
    ruta = AgentFactory(teams=[devices], name="Ruta Kallio", email="ruta.kallio@caredesk.example")
    lead = supervisor(
        teams=[video, devices], name="Henrike Sallow", email="henrike.sallow@caredesk.example"
    )
    fernhill = OrganizationFactory(name="Fernhill Family Practice")
    quarry = OrganizationFactory(name="Quarry Lane Clinic")

    def ticket(team: Any, agent: Any, org: Any, subject: str) -> Any:
        requester = ContactFactory(organization=org)
        return make_ticket(requester, subject=subject, team=team, assignee=agent, organization=org)

    # Wednesday 28 October: three video tickets, one device ticket
    ilse_quick = ticket(video, ilse, fernhill, "Camera not detected in the visit room")
    ilse_long = ticket(video, ilse, fernhill, "Visit link says the room is closed")
    tobin_quick = ticket(video, tobin, quarry, "No sound from the clinician")
    ruta_quick = ticket(devices, ruta, quarry, "Glucose meter will not pair")
    clock.advance(minutes=30)
    _solve(ilse_quick, ilse)  # first contact
    _solve(ruta_quick, ruta)  # first contact, another team

    # Friday 30 October: Ilse solves the long one after three replies, Tobin his at once
    clock.set(datetime(2026, 10, 30, 10, tzinfo=UTC))
    _solve(ilse_long, ilse, replies=3)  # solved, not at first contact
    _solve(tobin_quick, tobin)  # first contact
    ilse_open = ticket(video, ilse, quarry, "Waiting room shows the wrong clinic")

    # Monday 2 November: one more open video ticket for Tobin
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    tobin_open = ticket(video, tobin, fernhill, "Screen share freezes after a minute")
    rollup.advance()
    return {
        "lead": lead,
        "ilse": ilse,
        "ilse_quick": ilse_quick,
        "ilse_long": ilse_long,
        "ilse_open": ilse_open,
        "tobin_quick": tobin_quick,
        "tobin_open": tobin_open,
        "ruta_quick": ruta_quick,
    }


def _refs(page: Any) -> set[str]:
    table = page.locator("table.rp-behind tbody")
    return set(table.locator("th[scope=row]").all_inner_texts())


def _kpi(page: Any, label: str) -> Any:
    return page.locator(".rp-kpi").filter(has=page.locator(".rp-kpi-label", has_text=label))


def test_a_lead_reads_the_figures_narrows_them_and_opens_the_tickets_behind(
    open_screen, clock, monkeypatch
):
    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    desk = _desk(clock)
    screen = open_reports(open_screen, desk["lead"])
    page = screen.page
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()

    # the desk's key figures, each with its band in words
    fcr = _kpi(page, "First-contact resolution")
    expect(fcr.locator(".rp-kpi-value")).to_have_text("75.0 %")  # 3 of 4 solves
    expect(fcr.locator(".rp-band")).to_contain_text("Met")
    expect(_kpi(page, "Backlog").locator(".rp-band")).to_contain_text("Missed")  # 2 of 6 open
    for kpi in page.locator(".rp-kpi").all():
        expect(kpi.locator(".rp-band")).to_contain_text(re.compile("Met|At risk|Missed|No data"))
    screen.check("reports dashboard")
    screen.shoot("reports-dashboard")

    # every chart is a picture with words for it, and its table holds each day
    charts = page.locator("svg.rp-svg")
    expect(charts).to_have_count(3)
    for chart in charts.all():
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_attribute("aria-label", re.compile(r"\w"))
    flow = page.get_by_role("figure", name="Tickets opened and solved per day")
    expect(flow.get_by_role("img")).to_have_attribute(
        "aria-label", re.compile("Totals: Opened: 6, Solved: 4")
    )
    flow.get_by_text("Table of the figures").click()
    wednesday = flow.get_by_role("row", name=re.compile("Wed 28 Oct 2026"))
    expect(wednesday.get_by_role("cell")).to_have_text(["4", "2"])  # opened, solved
    friday = flow.get_by_role("row", name=re.compile("Fri 30 Oct 2026"))
    expect(friday.get_by_role("cell")).to_have_text(["1", "2"])

    # the filters from the keyboard: one team, broken down by agent
    filters = page.get_by_role("form", name="Report filters")
    expect(filters.get_by_label(re.compile("^Agent"))).to_have_count(1)  # a lead's choice
    period = filters.get_by_label("Period")
    period.focus()
    page.keyboard.type("Last 3")
    expect(period.locator("option:checked")).to_have_text("Last 30 days")
    team = filters.get_by_label("Team")
    team.focus()
    page.keyboard.type("Video")
    expect(team.locator("option:checked")).to_have_text("Video Visits")
    by = filters.get_by_label("Break down by")
    by.focus()
    page.keyboard.type("Agent")
    expect(by.locator("option:checked")).to_have_text("Agent")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(fcr.locator(".rp-kpi-value")).to_have_text("66.7 %")  # 2 of Video Visits' 3
    expect(fcr.locator(".rp-band")).to_contain_text("Missed")
    breakdown = page.get_by_role("region", name="Figures by agent")
    ilse = breakdown.get_by_role("row", name=re.compile("Ilse Marwick"))
    # opened, solved, FCR, within SLA (the long one breached), first response (0.5 h and 49 h)
    expect(ilse.get_by_role("cell")).to_have_text(["3", "2", "50.0 %", "50.0 %", "24.8 h", "0"])
    tobin = breakdown.get_by_role("row", name=re.compile("Tobin Achterberg"))
    expect(tobin.get_by_role("cell").nth(0)).to_have_text("2")
    expect(tobin.get_by_role("cell").nth(1)).to_have_text("1")
    expect(breakdown).not_to_contain_text("Ruta Kallio")

    # the FCR figure opens on the tickets it counted, only this team's
    with page.expect_navigation(wait_until="load"):
        fcr.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Solved at first contact", level=1)).to_be_visible()
    assert _refs(page) == {desk["ilse_quick"].ref, desk["tobin_quick"].ref}
    expect(page.get_by_role("searchbox", name="Search tickets")).to_have_value("")
    screen.check("tickets behind a figure")
    screen.shoot("reports-tickets")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Back to the figures").click()
    expect(filters.get_by_label("Team").locator("option:checked")).to_have_text("Video Visits")
    expect(filters.get_by_label("From")).to_have_value("2026-10-04")
    expect(filters.get_by_label("To (inclusive)")).to_have_value("2026-11-02")
    expect(fcr.locator(".rp-kpi-value")).to_have_text("66.7 %")

    # a breakdown row's Solved count opens on that agent's solved tickets (the period select
    # does not show the dates the link brought back, so "Dates below" keeps them)
    filters.get_by_label("Period").select_option(label="Dates below")
    filters.get_by_label("Break down by").select_option(label="Agent")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Show").click()
    ilse = page.get_by_role("region", name="Figures by agent").get_by_role(
        "row", name=re.compile("Ilse Marwick")
    )
    with page.expect_navigation(wait_until="load"):
        ilse.get_by_role("cell").nth(1).get_by_role("link", name="2").click()
    expect(page.get_by_role("heading", name="Solved", level=1)).to_be_visible()
    assert _refs(page) == {desk["ilse_quick"].ref, desk["ilse_long"].ref}
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Back to the figures").click()
    expect(filters.get_by_label("Team").locator("option:checked")).to_have_text("Video Visits")
    expect(filters.get_by_label("From")).to_have_value("2026-10-04")
    screen.check("back on the figures")


def test_an_agent_sees_only_their_own_figures(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    desk = _desk(clock)
    screen = open_reports(open_screen, desk["ilse"])
    page = screen.page
    expect(page.get_by_role("heading", name="My figures", level=1)).to_be_visible()
    filters = page.get_by_role("form", name="Report filters")
    expect(_kpi(page, "First-contact resolution").locator(".rp-kpi-value")).to_have_text("50.0 %")
    sla = _kpi(page, "Solved within SLA")
    expect(sla.locator(".rp-kpi-value")).to_have_text("50.0 %")  # the long one breached
    expect(sla.locator(".rp-band")).to_contain_text("Missed")
    expect(filters.get_by_label(re.compile("^Agent"))).to_have_count(0)  # no one else's
    assert "Agent" not in filters.get_by_label("Break down by").locator("option").all_inner_texts()
    team_rows = page.get_by_role("region", name="Figures by team").get_by_role("row")
    expect(team_rows).to_have_count(2)  # the heading and Video Visits
    expect(team_rows.nth(1).get_by_role("cell").nth(0)).to_have_text("3")  # Ilse's, not 5
    expect(page.get_by_role("region", name="Figures by team")).not_to_contain_text("Device")
    screen.check("my figures")
    screen.shoot("reports-mine")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("region", name="Volume against the previous period").get_by_role(
            "row", name=re.compile("Opened")
        ).get_by_role("link").click()
    assert _refs(page) == {desk["ilse_quick"].ref, desk["ilse_long"].ref, desk["ilse_open"].ref}


def test_a_lead_schedules_a_weekly_report_and_its_pdf_arrives_with_the_figures(
    open_screen, clock, smtp, monkeypatch
):
    """The lead schedules the weekly report on the screen; on Monday morning the worker's job
    mails it to the test mail server; the attached PDF holds the week's figures."""
    import io

    from pypdf import PdfReader

    from caredesk.core.outbox import outbox_deliver
    from caredesk.tasks import reports_send_task

    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    desk = _desk(clock)  # the week of Monday 26 October; the clock stands on Monday 2 November
    screen = open_screen()
    page = screen.page
    screen.login(desk["lead"].email, PASSWORD)
    screen.goto("/agent/reports/")
    page.get_by_role("link", name="Scheduled reports").click()
    page.get_by_role("link", name="New schedule").click()
    page.get_by_label("Name").fill("Video desk weekly")
    page.get_by_label("How often").select_option(label="Weekly (Monday, the week before)")
    page.get_by_role("checkbox", name="Henrike Sallow").check()
    page.get_by_label("Excel (XLSX)").check()
    screen.shoot("reports-schedule-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The next report goes out Mon 09 Nov 2026, 06:00"
    )
    expect(page.get_by_role("row", name=re.compile("Video desk weekly"))).to_contain_text(
        "Henrike Sallow"
    )
    screen.shoot("reports-schedules")

    clock.set(datetime(2026, 11, 9, 6, 5, tzinfo=UTC))  # Monday morning: the hourly job runs
    reports_send_task.call_local()
    outbox_deliver()
    (mail,) = [m for m in smtp.parsed() if "Weekly report" in str(m["Subject"])]
    assert mail["To"] == "henrike.sallow@caredesk.example"
    files = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(files) == {
        "caredesk-report-20261102-20261108.pdf",
        "caredesk-report-20261102-20261108.csv",
        "caredesk-report-20261102-20261108.xlsx",
    }
    pdf = PdfReader(io.BytesIO(files["caredesk-report-20261102-20261108.pdf"].get_content()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Weekly report: The whole desk" in text
    assert "02 Nov 2026 to 08 Nov 2026" in text
    assert "Opened 1 5" in text  # this week: Tobin's ticket; the week before: five
    assert "Solved 0 4" in text
    assert "Open at the end 2 1" in text

    page.reload()  # the next report's date has moved on, and the one sent is listed
    schedules = page.get_by_role("region", name="Schedules")
    expect(schedules.get_by_role("row", name=re.compile("Video desk weekly"))).to_contain_text(
        "16 Nov"
    )
    sent = page.get_by_role("region", name="Reports sent")
    expect(sent.get_by_role("row", name=re.compile("Video desk weekly"))).to_contain_text(
        "2 Nov 2026 – 8 Nov 2026"
    )
