"""Reads for complaint files: lists with their MDR clocks, one file, versions, trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from caredesk.accounts.models import User
from caredesk.accounts.scopes import organization_limit
from caredesk.complaints.models import (
    Complaint,
    ComplaintCode,
    ComplaintStatus,
    ComplaintVersion,
    Reportability,
)
from caredesk.complaints.pure import Clock, Series, clock_state, period_buckets, series
from caredesk.core import clock
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar
from caredesk.sla.selectors import business_calendar
from caredesk.tickets.selectors import tickets_visible, visibility_filter

REPORTABLE_VALUES = [
    Reportability.DEATH,
    Reportability.SERIOUS_INJURY,
    Reportability.MALFUNCTION,
]


def work_calendar() -> BusinessCalendar:
    """The calendar whose days count as work days for the 5-day report: the one named by
    CAREDESK_COMPLAINT_CALENDAR, else the first calendar with business hours (not 24/7)."""
    rows = Calendar.objects.all()
    name = settings.CAREDESK_COMPLAINT_CALENDAR
    row = rows.filter(name=name).first() if name else None
    if row is None:
        row = rows.filter(always_open=False).order_by("pk").first()
    if row is None or row.always_open:
        return BusinessCalendar("UTC", {d: [(time(9), time(17))] for d in range(5)})
    return business_calendar(row)


def is_work_day(calendar: BusinessCalendar) -> Callable[[date], bool]:
    return lambda day: day.weekday() in calendar.weekly_hours and day not in calendar.holidays


def today(calendar: BusinessCalendar | None = None) -> date:
    """Today's date where the work calendar is."""
    zone = (calendar or work_calendar()).zone
    return clock.now().astimezone(zone).date()


def mdr_clock(complaint: Complaint, on: date) -> Clock | None:
    if complaint.mdr_due_on is None:
        return None
    return clock_state(
        due_on=complaint.mdr_due_on,
        today=on,
        submitted=complaint.mdr_submitted_on is not None,
        soon_days=settings.CAREDESK_COMPLAINT_DUE_SOON_DAYS,
    )


@dataclass(frozen=True)
class Filters:
    status: str = ""  # "open", "closed" or "" (all)
    reportable: bool = False
    due: str = ""  # "soon" (due within the warning days, overdue included), "overdue"
    q: str = ""  # reference, ticket reference, serial, failure mode


def _search(qs: QuerySet[Complaint], q: str) -> QuerySet[Complaint]:
    q = q.strip()
    if not q:
        return qs
    cond = Q(device_serial__iexact=q) | Q(failure_mode__icontains=q) | Q(summary__icontains=q)
    upper = q.upper()
    if upper.startswith("CF-") and upper[3:].isdigit():
        cond |= Q(pk=int(upper[3:]))
    return qs.filter(cond)


def visible(user: User) -> QuerySet[Complaint]:
    """The complaint files of the tickets this person may see (the desk's visibility)."""
    qs = Complaint.objects.all()
    if visibility_filter(user) is None and organization_limit(user) is None:
        return qs
    return qs.filter(ticket_id__in=tickets_visible(user).values("pk"))


def complaint_list(user: User, filters: Filters, *, on: date | None = None) -> QuerySet[Complaint]:
    """Complaints matching the filters, nearest MDR due date first, then newest."""
    on = on or today()
    qs = visible(user).select_related("ticket", "decided_by")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.reportable:
        qs = qs.filter(reportability__in=REPORTABLE_VALUES)
    if filters.due:
        qs = qs.filter(mdr_submitted_on__isnull=True, mdr_due_on__isnull=False)
        if filters.due == "overdue":
            qs = qs.filter(mdr_due_on__lt=on)
        else:
            soon = on + timedelta(days=settings.CAREDESK_COMPLAINT_DUE_SOON_DAYS)
            qs = qs.filter(mdr_due_on__lte=soon)
    return _search(qs, filters.q).order_by("mdr_due_on", "-aware_on", "-id")


def complaint_get(user: User, pk: int) -> Complaint | None:
    related = ("ticket", "ticket__organization", "decided_by", "opened_by")
    return visible(user).select_related(*related).filter(pk=pk).first()


def complaint_for_ticket(ticket_id: int) -> Complaint | None:
    fields = ("pk", "ticket_id", "status", "reportability", "mdr_due_on", "mdr_submitted_on")
    return Complaint.objects.filter(ticket_id=ticket_id).only(*fields).first()


def versions_of(complaint: Complaint) -> QuerySet[ComplaintVersion]:
    return ComplaintVersion.objects.filter(complaint=complaint).select_related("actor")


def in_period(user: User, start: date, end: date) -> QuerySet[Complaint]:
    return visible(user).filter(aware_on__gte=start, aware_on__lte=end)


def open_count() -> int:
    return Complaint.objects.filter(status=ComplaintStatus.OPEN).count()


@dataclass(frozen=True)
class Trends:
    start: date
    end: date
    by: str
    buckets: list[date]
    failure_modes: list[Series]
    codes: list[Series]
    total: int


def trends(user: User, *, start: date, end: date, by: str) -> Trends:
    """Complaints per week or month by failure mode and by IMDRF code: two grouped, indexed
    queries whatever the number of complaints."""
    buckets = period_buckets(start, end, by=by)
    # grouped by day (the indexes' leading column) and summed into weeks or months here: a
    # year is at most 366 days times the keys, whatever the number of complaints
    modes = (
        in_period(user, start, end)
        .values_list("aware_on", "failure_mode")
        .annotate(n=Count("id"))
        .order_by()
    )
    code_rows_qs = ComplaintCode.objects.filter(aware_on__gte=start, aware_on__lte=end)
    if visibility_filter(user) is not None or organization_limit(user) is not None:
        code_rows_qs = code_rows_qs.filter(complaint__in=visible(user).values("pk"))
    codes = code_rows_qs.values_list("aware_on", "code").annotate(n=Count("id")).order_by()
    mode_rows = [(d, m or "(not stated)", n) for d, m, n in modes]
    by_mode = series(mode_rows, buckets, by=by)
    by_code = series(list(codes), buckets, by=by)
    return Trends(start, end, by, buckets, by_mode, by_code, sum(s.total for s in by_mode))
