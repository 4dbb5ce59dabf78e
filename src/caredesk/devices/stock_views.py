"""Parts screens: the parts list with stock per location and days of stock, a part's page with
its movements (keyset pages) and the forms to receive, adjust or count, and transfer stock."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from caredesk.accounts.models import User
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.devices import stock, stock_selectors
from caredesk.devices.models import Part
from caredesk.devices.stock_forms import AdjustForm, PartFilterForm, ReceiveForm, TransferForm

VIEW, MANAGE = "devices.view_part", "devices.manage_stock"
PAGE = 200


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


_page = agent_page


@staff_with(VIEW)
def part_list(request: HttpRequest) -> HttpResponse:
    form = PartFilterForm(request.GET or None)
    q, below = "", False
    if form.is_bound and form.is_valid():
        q, below = form.cleaned_data["q"], form.cleaned_data["below"]
    rows = list(stock_selectors.parts(q, below_floor_only=below)[: PAGE + 1])
    shown = rows[:PAGE]
    alerts = stock_selectors.open_alerts()
    states = stock_selectors.stock_states(
        {p.pk: p for p in [*shown, *(a.part for a in alerts.values())]}.values()
    )
    places = stock_selectors.locations()
    items = [
        {
            "part": p,
            "state": states[p.pk],
            "alert": alerts.get(p.pk),
            "levels": [states[p.pk].by_location.get(loc.pk, 0) for loc in places],
        }
        for p in shown
    ]
    context = {
        "form": form,
        "items": items,
        "locations": places,
        "alerts": [(a, states[a.part_id]) for a in alerts.values()],
        "more": len(rows) > PAGE,
        "tab": "parts",
    }
    status = 422 if form.is_bound and not form.is_valid() else 200
    return _page(request, "devices/parts.html", context, status)


def _get(pk: int) -> Part:
    part = stock_selectors.part_get(pk)
    if part is None:
        raise Http404("No such part")
    return part


def _detail(
    request: HttpRequest, part: Part, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    before = request.GET.get("before", "")
    movements, next_before = stock_selectors.movements_of(
        part, before=int(before) if before.isdigit() else None
    )
    state = stock_selectors.stock_state(part)
    places = stock_selectors.locations(active_only=False)
    bound = bound or {}
    context = {
        "part": part,
        "state": state,
        "alert": stock_selectors.open_alerts([part.pk]).get(part.pk),
        "levels": [(loc, state.by_location.get(loc.pk, 0)) for loc in places
                   if loc.active or state.by_location.get(loc.pk)],
        "models": list(part.product_models.order_by("name")),
        "movements": movements,
        "next_before": next_before,
        "paged": bool(before),
        "receive_form": bound.get("receive") or ReceiveForm(prefix="receive"),
        "adjust_form": bound.get("adjust") or AdjustForm(prefix="adjust"),
        "transfer_form": bound.get("transfer") or TransferForm(prefix="transfer"),
        "window": stock_selectors.WINDOW_DAYS,
        "tab": "parts",
    }  # fmt: skip
    return _page(request, "devices/part.html", context, 422 if bound else 200)


@staff_with(VIEW)
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(pk))


def _done(request: HttpRequest, part: Part, text: str) -> HttpResponse:
    flash.success(request, text)
    return redirect("devices:part", part.pk)


@require_POST
@staff_with(MANAGE)
def part_receive(request: HttpRequest, pk: int) -> HttpResponse:
    part = _get(pk)
    form = ReceiveForm(request.POST, prefix="receive")
    if form.is_valid():
        d = form.cleaned_data
        try:
            stock.stock_receive(part=part, actor=_user(request), **d)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return _done(request, part, f"{d['quantity']} received at {d['location'].name}.")
    return _detail(request, part, {"receive": form})


@require_POST
@staff_with(MANAGE)
def part_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    part = _get(pk)
    form = AdjustForm(request.POST, prefix="adjust")
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["mode"] == "count":
                stock.stock_count(
                    part=part,
                    location=d["location"],
                    counted=d["quantity"],
                    actor=_user(request),
                    reason=d["reason"],
                )
                text = f"Count of {d['quantity']} recorded at {d['location'].name}."
            else:
                stock.stock_adjust(
                    part=part,
                    location=d["location"],
                    change=d["quantity"],
                    actor=_user(request),
                    reason=d["reason"],
                )
                text = f"Stock at {d['location'].name} changed by {d['quantity']:+d}."
        except DomainError as exc:
            exc.errors = {("quantity" if k in ("change", "counted") else k): v
                          for k, v in exc.errors.items()}  # fmt: skip
            form_errors_from(form, exc)
        else:
            return _done(request, part, text)
    return _detail(request, part, {"adjust": form})


@require_POST
@staff_with(MANAGE)
def part_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    part = _get(pk)
    form = TransferForm(request.POST, prefix="transfer")
    if form.is_valid():
        d = form.cleaned_data
        try:
            stock.stock_transfer(part=part, actor=_user(request), **d)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return _done(
                request,
                part,
                f"{d['quantity']} moved from {d['source'].name} to {d['destination'].name}.",
            )
    return _detail(request, part, {"transfer": form})
