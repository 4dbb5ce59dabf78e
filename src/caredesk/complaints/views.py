"""Complaint screens: the list, a complaint's file (edit, decide, versions), the printable page,
the auditor's CSV exports and the trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.complaints import export, selectors
from caredesk.complaints.access import complainant_shown
from caredesk.complaints.forms import ComplaintForm, DecisionForm, PeriodForm
from caredesk.complaints.models import Complaint
from caredesk.complaints.pure import Series, code_label
from caredesk.complaints.services import (
    Decision,
    complaint_decide,
    complaint_open,
    complaint_update,
)
from caredesk.core import clock
from caredesk.core.access import form_errors_from, guard, is_staff_member
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.tickets.selectors import phi_shown, ticket_get

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponseBase])
VIEW, CHANGE, ADD = (
    "complaints.view_complaint",
    "complaints.change_complaint",
    "complaints.add_complaint",
)
DECIDE, EXPORT = "complaints.decide_reportability", "complaints.export_complaint"
MAX_LISTED = 200


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def needs(perm: str) -> Callable[[ViewT], ViewT]:
    """Staff with this permission only (others: 403; signed out: to the sign-in page)."""
    return guard(lambda user: is_staff_member(user) and user.has_perm(perm))


_page = agent_page


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    found = selectors.complaint_get(_user(request), pk)
    if found is None:
        raise Http404("No such complaint file")
    return found


def _filters(request: HttpRequest) -> selectors.Filters:
    g = request.GET
    status = g.get("status", "open")
    return selectors.Filters(
        status=status if status in ("open", "closed") else "",
        reportable=g.get("reportable") == "1",
        due=g.get("due", "") if g.get("due") in ("soon", "overdue") else "",
        q=g.get("q", "")[:100],
    )


@needs(VIEW)
def complaint_list(request: HttpRequest) -> HttpResponse:
    on = selectors.today()
    filters = _filters(request)
    rows = list(selectors.complaint_list(_user(request), filters, on=on)[: MAX_LISTED + 1])
    items = [(c, selectors.mdr_clock(c, on)) for c in rows[:MAX_LISTED]]
    context = {"items": items, "filters": filters, "more": len(rows) > MAX_LISTED, "tab": "list"}
    return _page(request, "complaints/list.html", context)


def _file_context(request: HttpRequest, complaint: Complaint, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    shown = complainant_shown(request=request, user=user, complaint=complaint)
    on = selectors.today()
    context = {
        "complaint": complaint,
        "clock": selectors.mdr_clock(complaint, on),
        "phi": shown,
        "codes": [(c, code_label(c)) for c in complaint.imdrf_codes],
        "versions": list(selectors.versions_of(complaint).order_by("-number")),
        "form": ComplaintForm(initial=ComplaintForm.initial_for(complaint), phi=shown),
        "decision_form": DecisionForm(
            initial={
                "reportability": complaint.reportability if complaint.decided_at else None,
                "rationale": complaint.reportability_rationale,
                "remedial_action": complaint.remedial_action,
            }
        ),
    }
    context.update(extra)
    return context


@needs(VIEW)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    return _page(request, "complaints/complaint.html", _file_context(request, complaint))


@needs(VIEW)
def complaint_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The file and its history on one printable page (print styles, no script)."""
    complaint = _complaint(request, pk)
    context = _file_context(request, complaint, printed_at=clock.now())
    return render(request, "complaints/print.html", context)


@require_POST
@needs(CHANGE)
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    shown = phi_shown(_user(request), complaint.ticket)
    form = ComplaintForm(request.POST, phi=shown)
    if form.is_valid():
        try:
            updated = complaint_update(
                complaint=complaint,
                changes=form.changes(),
                note=form.cleaned_data["note"],
                actor=_user(request),
                request=request,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            flash.success(request, f"{updated.ref} saved as version {updated.version}.")
            return redirect("complaints:detail", pk=pk)
    context = _file_context(request, complaint, form=form, edit_open=True)
    return _page(request, "complaints/complaint.html", context, status=422)


@require_POST
@needs(DECIDE)
def complaint_decision(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        decision = Decision(d["reportability"], d["rationale"], d["remedial_action"])
        try:
            decided = complaint_decide(
                complaint=complaint, decision=decision, actor=_user(request), request=request
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            due = (
                f" The MDR report is due {decided.mdr_due_on:%Y-%m-%d}."
                if decided.mdr_due_on
                else ""
            )
            flash.success(
                request, f"Decision recorded: {decided.get_reportability_display()}.{due}"
            )
            return redirect("complaints:detail", pk=pk)
    context = _file_context(request, complaint, decision_form=form)
    return _page(request, "complaints/complaint.html", context, status=422)


@require_POST
@needs(ADD)
def complaint_open_from_ticket(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The desk's "Open complaint file" button: the ticket's file, opened if it has none."""
    user = _user(request)
    try:
        ticket = ticket_get(user=user, pk=ticket_pk)
    except DomainError as exc:
        raise Http404(exc.detail) from exc
    complaint, created = complaint_open(ticket=ticket, actor=user, request=request)
    if created:
        flash.success(request, f"Complaint file {complaint.ref} opened from {ticket.ref}.")
    return redirect("complaints:detail", pk=complaint.pk)


def _stream(lines: Any, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@needs(EXPORT)
def complaint_export_one(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    complaint = _complaint(request, pk)
    versions = list(selectors.versions_of(complaint))
    lines = export.versions_lines(request, _user(request), complaint, versions)
    return _stream(lines, export.filename(complaint.ref, "versions"))


def _period(request: HttpRequest) -> PeriodForm:
    on = selectors.today()
    data = (
        request.GET
        if "start" in request.GET
        else {
            "start": (on - timedelta(weeks=12)).isoformat(),
            "end": on.isoformat(),
            "by": "week",
        }
    )
    return PeriodForm(data)


@needs(EXPORT)
def complaint_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = _period(request)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errs in form.errors.values() for e in errs),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = list(
        selectors.in_period(_user(request), start, end)
        .select_related("ticket", "decided_by")
        .order_by("aware_on", "id")
    )
    lines = export.period_lines(request, _user(request), rows, start, end)
    return _stream(lines, export.filename("complaints", start, end))


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    width: int  # in the chart's units: the largest is BAR_MAX wide
    y: int
    counts: tuple[int, ...]

    @property
    def x(self) -> int:
        return BAR_X

    @property
    def value_x(self) -> int:
        return BAR_X + self.width + 6


BAR_HEIGHT, BAR_X, BAR_MAX = 22, 130, 190


def bars(found: list[Series], limit: int = 15) -> list[Bar]:
    """The largest series as horizontal bars (label and count written beside each)."""
    top = found[:limit]
    most = max((s.total for s in top), default=0) or 1
    return [
        Bar(s.key, s.total, max(2, round(s.total * BAR_MAX / most)), i * BAR_HEIGHT, s.counts)
        for i, s in enumerate(top)
    ]


@needs(VIEW)
def complaint_trends(request: HttpRequest) -> HttpResponse:
    form = _period(request)
    context: dict[str, Any] = {"form": form, "tab": "trends"}
    if form.is_valid():
        d = form.cleaned_data
        found = selectors.trends(
            _user(request), start=d["start"], end=d["end"], by=d["by"] or "week"
        )
        modes, codes = bars(found.failure_modes), bars(found.codes)
        context.update(
            trends=found,
            modes=modes,
            codes=codes,
            modes_height=max(1, len(modes)) * BAR_HEIGHT,
            codes_height=max(1, len(codes)) * BAR_HEIGHT,
            query=request.GET.urlencode(),
        )
    return _page(request, "complaints/trends.html", context, status=200 if form.is_valid() else 422)
