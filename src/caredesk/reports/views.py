"""The Reports screen: the support lead's dashboard (everyone's figures, any filter) or an
agent's own (their figures only), and the tickets behind any figure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages as flash
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts.models import Organization, User
from caredesk.core.access import staff_with
from caredesk.core.agent_pages import sidebar
from caredesk.core.errors import DomainError
from caredesk.reports import charts, executive, fold, repairs, selectors
from caredesk.reports.forms import SUGGESTED, ReportFilter, ScheduleForm, as_choice
from caredesk.reports.models import ReportSchedule, ReportSent
from caredesk.reports.schedules import ScheduleData, schedule_save

OWN = "reports.view_own_reports"
ALL = "reports.view_all_reports"
SCHEDULE = "reports.manage_reportschedule"

LINKED = {  # the figures a number opens on, and what the list is called
    "created": "Opened",
    "solved": "Solved",
    "reopened": "Reopened",
    "fcr": "Solved at first contact",
    "first_responses": "First responses",
    "solved_in_sla": "Solved within SLA",
    "breaches": "SLA breaches",
    "escalations": "Escalations",
    "safety_flagged": "Safety findings",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _read(request: HttpRequest) -> tuple[ReportFilter, selectors.Filters, bool, bool]:
    """The filters asked for, as far as the viewer may have them: someone who may not see the
    whole desk sees their own figures, or, as an account manager, one of their clients'."""
    user = _user(request)
    sees_all = user.has_perm(ALL)
    clients = None if sees_all else Organization.objects.filter(account_manager=user)
    form = ReportFilter(request.GET, own=not sees_all, clients=clients)
    valid = form.is_valid()
    if not valid:  # the errors show on the form; the figures are the default period's
        fallback = ReportFilter({}, own=not sees_all, clients=clients)
        fallback.is_valid()
        filters = fallback.filters(agent=None if sees_all else user.pk)
    else:
        client = not sees_all and form.cleaned_data.get("organization") is not None
        filters = form.filters(agent=None if sees_all or client else user.pk)
    return form, filters, sees_all, valid


@staff_with(OWN)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters, sees_all, valid = _read(request)
    by = form.cleaned_data.get("by") if valid else "team"
    board = selectors.dashboard(filters, by=by, top=sees_all)
    query = filters.as_query()
    if not sees_all:
        query.pop("agent", None)
    query["by"] = by
    client = None if sees_all or filters.organization is None else form.cleaned_data["organization"]
    context: dict[str, Any] = {
        **sidebar(request.user),
        "form": form,
        "board": board,
        "sees_all": sees_all,
        "client": client,
        "by": by,
        "by_label": selectors.BY.get(by or "team", "Team"),
        "volume": _volume(board),
        "flow": charts.line_chart(
            "Tickets opened and solved per day",
            board.days,
            [("created", "Opened", "solid"), ("solved", "Solved", "dashed")],
        ),
        "backlog": charts.line_chart(
            "Open tickets at the end of each day", board.days, [("backlog", "Open", "solid")]
        ),
        "escalations": charts.line_chart(
            "Escalations and reopened tickets per day",
            board.days,
            [("escalations", "Escalations", "solid"), ("reopened", "Reopened", "dotted")],
        ),
        "backlog_change": board.backlog_end - board.backlog_start,
    }
    for k in board.kpis:
        k.link = _link(query, k.metric) if k.metric else ""
    for r in context["volume"]:
        r["link"] = _link(query, r["metric"])
    for row in board.breakdown:  # each row's figures open on that team's (agent's, ...) tickets
        if row["key"] not in (0, ""):
            narrowed: dict[str, Any] = {**query, str(by): row["key"]}
            row["links"] = {m: _link(narrowed, m) for m in ("created", "solved", "fcr")}
    for row in board.top_organizations:
        row["link"] = _link({**query, "organization": row["organization"]}, "created")
    return render(request, "reports/dashboard.html", context, status=200 if valid else 422)


def _volume(board: selectors.Dashboard) -> list[dict[str, Any]]:
    """The counted figures with the previous period's, each opening on its tickets."""
    t, b = board.totals, board.before
    return [
        {"metric": m, "label": label, "value": t[m], "before": b[m], "change": t[m] - b[m]}
        for m, label in selectors.VOLUME
    ]


def _back(query: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    """The dashboard's address from a list: its filters and its breakdown."""
    by = request.GET.get("by", "")
    return {**query, "by": by} if by in selectors.BY else query


def _link(query: dict[str, Any], metric: str, **extra: Any) -> str:
    """The address of the tickets behind `metric` under the dashboard's filters."""
    return f"{reverse('reports:tickets')}?{urlencode({**query, **extra, 'metric': metric})}"


@staff_with(OWN)
def tickets(request: HttpRequest) -> HttpResponse:
    """The tickets one figure counted, as far as the viewer may see them."""
    form, filters, sees_all, valid = _read(request)
    metric = request.GET.get("metric", "")
    if metric not in LINKED or metric not in fold.LISTED:
        raise Http404("No such figure.")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    behind = selectors.tickets_behind(
        user=_user(request), filters=filters, metric=metric, page=page
    )
    query = filters.as_query()
    if not sees_all:
        query.pop("agent", None)
    context = {
        **sidebar(request.user),
        "form": form,
        "metric": metric,
        "title": LINKED[metric],
        "behind": behind,
        "period": filters,  # not "filters": the desk's top bar reads filters.q as its search
        "page": page,
        "next": _link(query, metric, page=page + 1) if behind.more else "",
        "back": f"{reverse('reports:dashboard')}?{urlencode(_back(query, request))}",
        "sees_all": sees_all,
    }
    return render(request, "reports/tickets.html", context, status=200 if valid else 422)


# -- scheduled reports ---------------------------------------------------------------------


@staff_with(SCHEDULE)
def schedules(request: HttpRequest) -> HttpResponse:
    context = {
        **sidebar(request.user),
        "schedules": ReportSchedule.objects.select_related("organization", "team")
        .prefetch_related("recipients")
        .order_by("name", "id"),
        "sent": ReportSent.objects.order_by("-sent_at", "-id")[:20],
    }
    return render(request, "reports/schedules.html", context)


def _schedule_data(form: ScheduleForm) -> ScheduleData:
    d = form.cleaned_data
    return ScheduleData(
        name=d["name"],
        cadence=d["cadence"],
        recipients=list(d["recipients"]),
        organization=d["organization"],
        team=d["team"],
        pdf=d["pdf"],
        csv=d["csv"],
        xlsx=d["xlsx"],
        active=d["active"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_with(SCHEDULE)
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    found = get_object_or_404(ReportSchedule, pk=pk) if pk is not None else None
    status = 200
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                saved = schedule_save(
                    data=_schedule_data(form), actor=_user(request), schedule=found
                )
            except DomainError as exc:
                for key, messages in exc.errors.items():
                    form.add_error(key if key in form.fields else None, messages)
                if not exc.errors:
                    form.add_error(None, exc.detail)
            else:
                flash.success(
                    request,
                    f"Saved. The next report goes out {saved.next_run_at:%a %d %b %Y, %H:%M}.",
                )
                return redirect("reports:schedules")
        status = 422
    elif found is not None:
        form = ScheduleForm(
            initial={
                "name": found.name,
                "cadence": found.cadence,
                "organization": found.organization,
                "team": found.team,
                "recipients": list(found.recipients.all()),
                "pdf": found.pdf,
                "csv": found.csv,
                "xlsx": found.xlsx,
                "active": found.active,
            }
        )
    else:
        form = ScheduleForm()
    context = {**sidebar(request.user), "form": form, "schedule": found}
    return render(request, "reports/schedule_form.html", context, status=status)


@require_POST
@staff_with(SCHEDULE)
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ReportSchedule, pk=pk)
    name = found.name
    found.delete()
    flash.success(request, f"The schedule “{name}” was deleted; reports already sent stay listed.")
    return redirect("reports:schedules")


@staff_with(ALL)
def repairs_view(request: HttpRequest) -> HttpResponse:
    """The repair manager's figures: RMAs, their times against the targets, the Pareto of
    failure modes, warranty against paid and the cost per unit."""
    form, filters, _sees_all, valid = _read(request)
    board = repairs.repairs(filters)
    context = {**sidebar(request.user), "form": form, "board": board}
    return render(request, "reports/repairs.html", context, status=200 if valid else 422)


@staff_with(ALL)
def executive_view(request: HttpRequest) -> HttpResponse:
    """The executive's page: the key figures with the business's around them, week by week."""
    form, filters, _sees_all, valid = _read(request)
    # the whole desk's, a plan's or one organization's: the other filters are the lead's
    filters = replace(filters, team=None, agent=None, channel=None, category=None, level=None)
    page = executive.executive(filters)
    query = filters.as_query()
    for k in page.kpis:
        k.link = _link(query, k.metric) if k.metric else ""
    context = {
        **sidebar(request.user),
        "form": form,
        "page": page,
        "board": page.board,
        "volume": _volume(page.board),
        "request_types": charts.weekly_chart(
            "Tickets opened per week, by request type",
            page.request_types.weeks,
            page.request_types.series,
        ),
        "escalations": charts.weekly_chart(
            "Escalations per week, by level", page.escalations.weeks, page.escalations.series
        ),
        "backlog_change": page.board.backlog_end - page.board.backlog_start,
    }
    for r in context["volume"]:
        r["link"] = _link(query, r["metric"])
    for row in page.board.top_organizations:
        row["link"] = _link({**query, "organization": row["organization"]}, "created")
    return render(request, "reports/executive.html", context, status=200 if valid else 422)


@staff_with(OWN)
def organizations(request: HttpRequest) -> HttpResponse:
    """Suggestions for the organization filter: the names containing what was typed, of the
    organizations the viewer may choose (every one, or an account manager's clients)."""
    user = _user(request)
    text = (request.GET.get("organization") or "").strip()[:100]
    choosable = Organization.objects.all()
    if not user.has_perm(ALL):
        choosable = choosable.filter(account_manager=user)
    first = Case(  # the name itself, then names starting with it, then the others
        When(name__iexact=text, then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        default=Value(2),
    )
    found = (
        choosable.filter(name__icontains=text).order_by(first, "name")[:SUGGESTED] if text else []
    )
    rows = [{"label": as_choice(o)} for o in found]
    return render(request, "reports/organization_options.html", {"organizations": rows})
