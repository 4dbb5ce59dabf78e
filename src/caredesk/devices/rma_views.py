"""RMA screens on the desk: the list (status, overdue), an RMA's page (status buttons, clocks,
the bench's form, parts, validation steps) and opening one from a ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.errors import DomainError, NotFound
from caredesk.devices import rma as services
from caredesk.devices import rma_selectors as selectors
from caredesk.devices.forms import (
    RmaBenchForm,
    RmaCoverageForm,
    RmaFilterForm,
    RmaOpenForm,
    RmaPartForm,
    RmaStatusForm,
)
from caredesk.devices.models import Rma, RmaStatus
from caredesk.devices.pure import rma_moves
from caredesk.devices.views import _page, _user
from caredesk.tickets.selectors import ticket_get

VIEW, ADD, CHANGE, VALIDATE = (
    "devices.view_rma",
    "devices.add_rma",
    "devices.change_rma",
    "devices.validate_rma",
)
PAGE = 100
# what the status buttons say
VERBS = {
    RmaStatus.RECEIVED: "Mark received",
    RmaStatus.DIAGNOSED: "Mark diagnosed",
    RmaStatus.REPAIRED: "Mark repaired",
    RmaStatus.REPLACED: "Mark replaced",
    RmaStatus.VALIDATED: "Validate",
    RmaStatus.SHIPPED: "Mark shipped",
    RmaStatus.CLOSED: "Close",
}


@staff_with(VIEW)
def rma_list(request: HttpRequest) -> HttpResponse:
    form = RmaFilterForm(request.GET or None, initial={"status": "open"})
    filters = selectors.RmaFilters(status="open")
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.RmaFilters(
            status=d["status"] or "", overdue=d["overdue"], q=d["q"] or ""
        )
    rows = list(selectors.rma_list(filters)[: PAGE + 1])
    items = rows[:PAGE]
    clocks = selectors.clocks_of(items)
    context = {
        "form": form,
        "items": [(r, clocks[r.pk]) for r in items],
        "more": len(rows) > PAGE,
        "tab": "rmas",
    }
    status = 422 if form.is_bound and not form.is_valid() else 200
    return _page(request, "devices/rma_list.html", context, status=status)


def _rma(pk: int) -> Rma:
    rma = selectors.rma_get(pk)
    if rma is None:
        raise Http404("No such RMA")
    return rma


def _buttons(request: HttpRequest, rma: Rma) -> list[tuple[str, str]]:
    user = _user(request)
    if not user.has_perm(CHANGE):
        return []
    out = []
    for to in rma_moves(rma.status):
        if to == RmaStatus.CANCELLED:
            continue  # its own form, with the reason
        if to == RmaStatus.VALIDATED and not user.has_perm(VALIDATE):
            continue
        out.append((to, VERBS[RmaStatus(to)]))
    return out


def _detail(request: HttpRequest, rma: Rma, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    bench = forms.get("bench_form") or RmaBenchForm(
        initial={
            "technician": rma.technician_id,
            "failure_mode": rma.failure_mode,
            "failure_other": rma.failure_other,
            "findings": rma.findings,
            "labour_minutes": rma.labour_minutes,
            "labour_rate": rma.labour_rate,
            "tracking_in": rma.tracking_in,
            "tracking_out": rma.tracking_out,
        }
    )
    context = {
        "rma": rma,
        "clocks": selectors.clocks_of([rma])[rma.pk],
        "events": selectors.events_of(rma),
        "parts": list(rma.parts_used.select_related("part").order_by("id")),
        "checks": list(rma.checks.select_related("done_by").order_by("position", "id")),
        "buttons": _buttons(request, rma),
        "can_change": user.has_perm(CHANGE) and rma.status not in ("closed", "cancelled"),
        "can_cancel": user.has_perm(CHANGE) and "cancelled" in rma_moves(rma.status),
        "status_form": forms.get("status_form") or RmaStatusForm(),
        "bench_form": bench,
        "part_form": forms.get("part_form") or RmaPartForm(),
        "coverage_form": forms.get("coverage_form")
        or RmaCoverageForm(initial={"coverage": "paid" if rma.warranty else "warranty"}),
        "tab": "rmas",
    }
    return _page(request, "devices/rma.html", context, status=status)


@staff_with(VIEW)
def rma_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _rma(pk))


@require_POST
@staff_with(CHANGE)
def rma_status(request: HttpRequest, pk: int) -> HttpResponse:
    rma = _rma(pk)
    form = RmaStatusForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        if to == RmaStatus.VALIDATED and not _user(request).has_perm(VALIDATE):
            form.add_error("to", "Validating a repair is for repair technicians.")
            return _detail(request, rma, status=403, status_form=form)
        try:
            services.rma_transition(
                rma=rma,
                to=to,
                actor=_user(request),
                reason=form.cleaned_data["reason"],
                tracking=form.cleaned_data["tracking"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, rma, status=exc.status, status_form=form)
        messages.success(request, f"{rma.number} is now {RmaStatus(to).label.lower()}.")
        return redirect("devices:rma", pk=rma.pk)
    return _detail(request, rma, status=422, status_form=form)


@require_POST
@staff_with(CHANGE)
def rma_bench(request: HttpRequest, pk: int) -> HttpResponse:
    rma = _rma(pk)
    form = RmaBenchForm(request.POST)
    if form.is_valid():
        try:
            services.rma_update(rma=rma, changes=form.cleaned_data, actor=_user(request))
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, rma, status=exc.status, bench_form=form)
        messages.success(request, "Bench record saved.")
        return redirect("devices:rma", pk=rma.pk)
    return _detail(request, rma, status=422, bench_form=form)


@require_POST
@staff_with(CHANGE)
def rma_part(request: HttpRequest, pk: int) -> HttpResponse:
    rma = _rma(pk)
    form = RmaPartForm(request.POST)
    if form.is_valid():
        try:
            services.rma_part_add(
                rma=rma,
                part=form.cleaned_data["part"],
                quantity=form.cleaned_data["quantity"],
                actor=_user(request),
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, rma, status=exc.status, part_form=form)
        messages.success(request, "Part recorded.")
        return redirect("devices:rma", pk=rma.pk)
    return _detail(request, rma, status=422, part_form=form)


@require_POST
@staff_with(CHANGE)
def rma_check(request: HttpRequest, pk: int, check_id: int) -> HttpResponse:
    rma = _rma(pk)
    try:
        services.rma_check_tick(
            rma=rma, check_id=check_id, done=request.POST.get("done") == "1", actor=_user(request)
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _detail(request, rma, status=exc.status)
    return redirect("devices:rma", pk=rma.pk)


@require_POST
@staff_with(CHANGE)
def rma_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    rma = _rma(pk)
    form = RmaCoverageForm(request.POST)
    if form.is_valid():
        try:
            services.rma_coverage(
                rma=rma,
                warranty=form.cleaned_data["coverage"] == "warranty",
                reason=form.cleaned_data["reason"],
                actor=_user(request),
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            return _detail(request, rma, status=exc.status, coverage_form=form)
        messages.success(request, "Warranty or paid changed.")
        return redirect("devices:rma", pk=rma.pk)
    return _detail(request, rma, status=422, coverage_form=form)


@require_POST
@staff_with(ADD)
def rma_open(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Open an RMA for the unit a ticket names (the ticket page's "Open RMA")."""
    user = _user(request)
    try:
        ticket = ticket_get(user=user, pk=ticket_id)  # 404 unless the person sees the ticket
    except NotFound:
        raise Http404("No such ticket") from None
    form = RmaOpenForm(request.POST)
    if form.is_valid():
        coverage = form.cleaned_data["coverage"]
        try:
            rma = services.rma_open(
                ticket=ticket,
                actor=user,
                warranty=None if not coverage else coverage == "warranty",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            for field, errs in exc.errors.items():
                messages.error(request, f"{field}: {' '.join(errs)}")
            if not exc.errors:
                messages.error(request, exc.detail)
            return redirect("desk:ticket", pk=ticket.pk)
        messages.success(
            request, f"{rma.number} opened; the customer is told how to send the unit."
        )
        return redirect("devices:rma", pk=rma.pk)
    messages.error(request, "The RMA could not be opened: check the form.")
    return redirect("desk:ticket", pk=ticket.pk)
