"""Scheduled reports: mailed once per period to the people allowed to read them, with the
figures in the PDF, the CSV and the XLSX, and audited."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from caredesk.accounts.roles import ROLE_AGENT
from caredesk.compliance.models import AuditEntry
from caredesk.core.errors import ValidationFailed
from caredesk.core.outbox import outbox_deliver
from caredesk.reports import pure, rollup
from caredesk.reports.models import ReportSent
from caredesk.reports.schedules import ScheduleData, reports_send, schedule_save
from caredesk.tickets.services import Body, message_add, ticket_update
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    signed_in,
    supervisor,
)

pytestmark = pytest.mark.django_db


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_each_cadence_reports_the_whole_period_before_its_day(today: date) -> None:
    for cadence in ("weekly", "monthly", "quarterly"):
        start, end = pure.period_before(cadence, today)
        assert start <= end < today
        run = pure.next_run_day(cadence, today)
        assert run > today
        again_start, again_end = pure.period_before(cadence, run)
        assert again_end == run - timedelta(days=1)  # the next report covers up to its day
        assert again_start > end or again_start == start  # periods never overlap


def test_periods_on_known_days() -> None:
    monday = date(2026, 12, 7)
    assert pure.period_before("weekly", monday) == (date(2026, 11, 30), date(2026, 12, 6))
    assert pure.period_before("monthly", monday) == (date(2026, 11, 1), date(2026, 11, 30))
    assert pure.period_before("quarterly", monday) == (date(2026, 7, 1), date(2026, 9, 30))
    assert pure.next_run_day("quarterly", monday) == date(2027, 1, 1)


def _reports(smtp: Any) -> list[Any]:
    """The reports among the mail (requesters were told their tickets were solved)."""
    return [m for m in smtp.parsed() if "report" in str(m["Subject"]).lower()]


@pytest.fixture
def week(clock: Any) -> dict[str, Any]:
    """Monday 30 Nov to Sunday 6 Dec 2026: four tickets of one clinic, three solved."""
    clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))
    team = TeamFactory(name="Video Visits")
    agent = AgentFactory(teams=[team], name="Ilse Marwick")
    clinic = OrganizationFactory(name="Harbour Clinic")
    tickets = [make_ticket(team=team, assignee=agent, organization=clinic) for _ in range(4)]
    clock.advance(hours=2)
    for ticket in tickets[:3]:
        message_add(ticket=ticket, kind="public", body=Body(text="Fixed."), actor=agent)
        ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    rollup.advance()
    return {"team": team, "agent": agent, "clinic": clinic, "tickets": tickets}


def test_a_weekly_report_is_mailed_once_with_its_figures(
    week: dict[str, Any], clock: Any, smtp: Any
) -> None:
    lead = supervisor(teams=[week["team"]], name="Bram Kettering", email="bram@caredesk.example")
    schedule = schedule_save(
        data=ScheduleData(name="Desk weekly", cadence="weekly", recipients=[lead], xlsx=True),
        actor=lead,
    )
    assert schedule.next_run_at == datetime(2026, 12, 7, 6, tzinfo=UTC)
    clock.set(datetime(2026, 12, 7, 5, 59, tzinfo=UTC))
    assert reports_send() == 0  # not yet
    clock.set(datetime(2026, 12, 7, 6, 5, tzinfo=UTC))
    assert reports_send() == 1
    assert reports_send() == 0  # once per period, however often the job runs
    outbox_deliver()
    (mail,) = _reports(smtp)
    assert mail["To"] == "bram@caredesk.example"
    assert "Weekly report: The whole desk" in str(mail["Subject"])
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "First-contact resolution: 100.0 %, met" in body
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert set(files) == {
        "caredesk-report-20261130-20261206.pdf",
        "caredesk-report-20261130-20261206.csv",
        "caredesk-report-20261130-20261206.xlsx",
    }
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files[next(iter(files))])).pages)
    assert "Weekly report: The whole desk" in pdf
    assert "30 Nov 2026 to 06 Dec 2026" in pdf
    assert "First-contact resolution 100.0 % >= 75 % Met" in pdf
    assert "Opened 4" in pdf and "Solved 3" in pdf and "Harbour Clinic" in pdf
    text = files["caredesk-report-20261130-20261206.csv"]  # text/csv: read back as text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert ["Opened", "4", "0"] in rows and ["Open at the end", "1", "0"] in rows
    sheets = zipfile.ZipFile(io.BytesIO(files["caredesk-report-20261130-20261206.xlsx"])).namelist()
    assert "xl/worksheets/sheet1.xml" in sheets
    sent = ReportSent.objects.get()
    assert (sent.period_start, sent.period_end) == (date(2026, 11, 30), date(2026, 12, 6))
    entry = AuditEntry.objects.get(action="report.sent")
    assert entry.object_id == str(schedule.pk)


def test_an_organizations_review_holds_its_figures_only(week: dict[str, Any], clock: Any) -> None:
    lead = supervisor(teams=[week["team"]])
    other = OrganizationFactory(name="Elsewhere Health")
    make_ticket(organization=other)
    rollup.advance()
    schedule = schedule_save(
        data=ScheduleData(
            name="Harbour QBR", cadence="quarterly", recipients=[lead], organization=week["clinic"]
        ),
        actor=lead,
    )
    from caredesk.reports.schedules import report_of

    report = report_of(schedule, date(2026, 11, 30), date(2026, 12, 6))
    assert report.title == "Quarterly business review: Harbour Clinic"
    assert report.board.totals["created"] == 4  # not the other organization's ticket
    assert report.board.top_organizations == []  # and names no other client
    assert "Service contracts" in report.sections[2].title


def test_the_monthly_report_carries_the_executives_figures(
    week: dict[str, Any], clock: Any
) -> None:
    from caredesk.incidents.services import incident_declare, incident_resolve
    from caredesk.reports.documents import as_csv, as_pdf, as_xlsx
    from caredesk.reports.schedules import report_of

    lead = supervisor(teams=[week["team"]])
    start = clock()
    incident = incident_declare(title="Video outage", severity=1, actor=lead)
    clock.set(start + timedelta(minutes=75))
    incident_resolve(incident=incident, actor=lead)
    schedule = schedule_save(
        data=ScheduleData(name="Desk monthly", cadence="monthly", recipients=[lead]), actor=lead
    )
    weekly = schedule_save(
        data=ScheduleData(name="Desk weekly", cadence="weekly", recipients=[lead]), actor=lead
    )
    day = start.date()
    report = report_of(schedule, day.replace(day=1), day)
    assert [s.title.split(",")[0] for s in report.sections][:4] == [
        "Business key figures", "Incidents resolved", "Service contracts", "Repairs"
    ]  # fmt: skip
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf(report))).pages)
    assert "Time to resolve a Sev 1 incident 75.0 min <= 60 min At risk" in pdf  # missed beyond 90
    assert "Sev 1 (critical) 1" in pdf and "Customer lifetime value" in pdf
    rows = list(csv.reader(io.StringIO(as_csv(report).decode("utf-8-sig"))))
    assert ["Incidents resolved"] in rows
    assert any(r[:2] == ["Sev 1 (critical)", "1"] for r in rows)
    with zipfile.ZipFile(io.BytesIO(as_xlsx(report))) as book:
        sheets = book.read("xl/workbook.xml").decode()
    assert 'name="Incidents resolved"' in sheets and 'name="Service contracts"' in sheets
    assert report_of(weekly, day.replace(day=1), day).sections == []  # the team's weekly


def test_who_may_receive_a_report_is_checked_when_saved_and_when_sent(
    week: dict[str, Any], clock: Any, smtp: Any
) -> None:
    lead = supervisor(teams=[week["team"]], email="lead@caredesk.example")
    colleague = supervisor(teams=[week["team"]], email="colleague@caredesk.example")
    with pytest.raises(ValidationFailed) as refused:
        schedule_save(
            data=ScheduleData(name="Weekly", cadence="weekly", recipients=[lead, week["agent"]]),
            actor=lead,
        )
    assert "Ilse Marwick" in refused.value.errors["recipients"][0]
    with pytest.raises(ValidationFailed) as no_format:
        schedule_save(
            data=ScheduleData(name="W", cadence="weekly", recipients=[lead], pdf=False, csv=False),
            actor=lead,
        )
    assert "format" in no_format.value.errors["pdf"][0]
    schedule_save(
        data=ScheduleData(name="Weekly", cadence="weekly", recipients=[lead, colleague]),
        actor=lead,
    )
    colleague.groups.set([colleague.groups.model.objects.get(name=ROLE_AGENT)])  # now an agent
    clock.set(datetime(2026, 12, 7, 6, 30, tzinfo=UTC))
    assert reports_send() == 1
    outbox_deliver()
    assert [m["To"] for m in _reports(smtp)] == ["lead@caredesk.example"]
    assert ReportSent.objects.get().left_out == [colleague.pk]


def test_a_lead_schedules_a_report_on_the_screen(week: dict[str, Any]) -> None:
    lead = supervisor(teams=[week["team"]], name="Bram Kettering")
    client = signed_in(lead)
    assert client.get("/agent/reports/schedules/").status_code == 200
    refused = client.post("/agent/reports/schedules/new/", {"name": "", "cadence": "weekly"})
    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()
    response = client.post(
        "/agent/reports/schedules/new/",
        {"name": "Desk monthly", "cadence": "monthly", "recipients": [lead.pk], "pdf": "on"},
    )
    assert response.status_code == 302
    listed = client.get("/agent/reports/schedules/").content.decode()
    assert "Desk monthly" in listed and "Bram Kettering" in listed
    # an agent may not schedule reports
    assert signed_in(week["agent"]).get("/agent/reports/schedules/").status_code == 403
