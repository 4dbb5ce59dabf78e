"""Scheduled reports: a lead chooses who gets which figures on which cadence; the worker mails
each report once per period, as PDF, CSV or XLSX attachments, and the audit records it.

A report holds counts and ratios only (no ticket's content, no health information). Its
recipients must be allowed to see the whole desk's figures (`reports.view_all_reports`), when
the schedule is saved and again when each report is sent: someone who lost the permission is
left out, and the record of the sending says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from caredesk.accounts.models import Organization, Team, User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.core.models import OutboxKind
from caredesk.core.outbox import attachment, outbox_add
from caredesk.reports import documents, executive, pure, selectors
from caredesk.reports.models import Cadence, ReportSchedule, ReportSent
from caredesk.reports.rollup import day_of
from caredesk.reports.templatetags.reports import kpi as shown

READ_ALL = "reports.view_all_reports"
SEND_AT = time(6, 0)  # desk time: after the night's events are in the rollups


@dataclass(frozen=True)
class ScheduleData:
    name: str
    cadence: str
    recipients: Sequence[User]
    organization: Organization | None = None
    team: Team | None = None
    pdf: bool = True
    csv: bool = True
    xlsx: bool = False
    active: bool = True


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, SEND_AT))


def allowed(user: User) -> bool:
    return user.is_active and user.has_perm(READ_ALL)


def _check(data: ScheduleData) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = ["Name the report."]
    if data.cadence not in Cadence.values:
        errors["cadence"] = ["Choose weekly, monthly or quarterly."]
    if not data.recipients:
        errors["recipients"] = ["Choose at least one person."]
    refused = [u for u in data.recipients if not allowed(u)]
    if refused:
        names = ", ".join(sorted(str(u) for u in refused))
        errors["recipients"] = [f"These people may not see the desk's figures: {names}."]
    if not (data.pdf or data.csv or data.xlsx):
        errors["pdf"] = ["Choose at least one format."]
    if errors:
        raise ValidationFailed("The schedule was not saved.", errors=errors)


@transaction.atomic
def schedule_save(
    *, data: ScheduleData, actor: User, schedule: ReportSchedule | None = None
) -> ReportSchedule:
    _check(data)
    now = clock.now()
    if schedule is None:
        schedule = ReportSchedule(created_by=actor, created_at=now)
    changed_cadence = schedule.pk is None or schedule.cadence != data.cadence
    for name in ("name", "cadence", "organization", "team", "pdf", "csv", "xlsx", "active"):
        setattr(schedule, name, getattr(data, name))
    schedule.name = data.name.strip()
    if changed_cadence:
        schedule.next_run_at = _at(pure.next_run_day(data.cadence, day_of(now)))
    schedule.save()
    schedule.recipients.set(data.recipients)
    return schedule


def _title(schedule: ReportSchedule) -> tuple[str, str]:
    kind = {"weekly": "Weekly report", "monthly": "Monthly report",
            "quarterly": "Quarterly business review"}[schedule.cadence]  # fmt: skip
    if schedule.organization_id:
        scope = f"{schedule.organization}"
    elif schedule.team_id:
        scope = f"Team {schedule.team}"
    else:
        scope = "The whole desk"
    return f"{kind}: {scope}", scope


def report_of(schedule: ReportSchedule, start: date, end: date) -> documents.Report:
    filters = selectors.Filters(
        start=start, end=end, organization=schedule.organization_id, team=schedule.team_id
    )
    title, scope = _title(schedule)
    if schedule.cadence == Cadence.WEEKLY or schedule.team_id is not None:
        board = selectors.dashboard(filters, by="team", top=schedule.organization_id is None)
        return documents.Report(title=title, scope=scope, board=board, made_at=clock.now())
    # the monthly report and the business review carry the executive's figures as well
    page = executive.executive(filters, by="team")
    if schedule.organization_id is not None:
        page.board.top_organizations = []  # one client's pack names no other client
        page.board.top_articles = []
    return documents.Report(
        title=title,
        scope=scope,
        board=page.board,
        made_at=clock.now(),
        sections=documents.executive_sections(page),
    )


def reports_send(*, now: datetime | None = None) -> int:
    """Mail every report that is due; the number mailed. Each schedule is claimed with one
    conditional UPDATE moving it to its next run, so two workers never send one twice."""
    now = now or clock.now()
    sent = 0
    for schedule in ReportSchedule.objects.filter(active=True, next_run_at__lte=now):
        sent += _send_one(schedule, now)
    return sent


@transaction.atomic
def _send_one(schedule: ReportSchedule, now: datetime) -> int:
    today = day_of(now)
    claimed = ReportSchedule.objects.filter(
        pk=schedule.pk, active=True, next_run_at=schedule.next_run_at
    ).update(next_run_at=_at(pure.next_run_day(schedule.cadence, today)))
    if not claimed:
        return 0  # another worker took it
    start, end = pure.period_before(schedule.cadence, today)
    if ReportSent.objects.filter(schedule=schedule, period_start=start).exists():
        return 0
    people = list(schedule.recipients.all())
    mailed = [u for u in people if allowed(u) and u.email]
    left_out = [u for u in people if u not in mailed]
    formats = [f for f in ("pdf", "csv", "xlsx") if getattr(schedule, f)]
    if mailed:
        report = report_of(schedule, start, end)
        files = documents.files_of(report, pdf=schedule.pdf, csv_=schedule.csv, xlsx=schedule.xlsx)
        for user in mailed:
            outbox_add(kind=OutboxKind.EMAIL, payload=_mail(report, user, files))
    ReportSent.objects.create(
        schedule=schedule,
        name=schedule.name,
        period_start=start,
        period_end=end,
        recipients=[u.pk for u in mailed],
        left_out=[u.pk for u in left_out],
        formats=",".join(formats),
        sent_at=now,
    )
    record(
        action=AuditAction.REPORT_SENT,
        actor=None,
        object_type="report schedule",
        object_id=schedule.pk,
        organization_id=schedule.organization_id,
        fields=[*formats, *(f"to user {u.pk}" for u in mailed)],
    )
    return 1 if mailed else 0


def _mail(
    report: documents.Report, user: User, files: list[tuple[str, str, bytes]]
) -> dict[str, object]:
    f = report.board.filters
    lines = [
        f"Hello {user.name or user.email},",
        "",
        f"{report.title}, {f.start:%d %b %Y} to {f.end:%d %b %Y}, is attached.",
        "",
    ]
    for k in report.board.kpis:
        target = f" (target {k.target.describe()})" if k.target else ""
        value = shown(k.value, k.unit)
        lines.append(f"- {k.label}: {value}, {k.band_label.lower()}{target}")
    lines += [
        f"- Opened: {report.board.totals['created']}, solved: {report.board.totals['solved']}",
        "",
        "You get this report because a support lead chose you for it in CareDesk's Reports.",
    ]
    return {
        "subject": f"{report.title}, {f.start:%d %b} to {f.end:%d %b %Y}",
        "body": "\n".join(lines),
        "to": [user.email],
        "attachments": [attachment(name, kind, data) for name, kind, data in files],
    }
