"""Device screens: the asset list, an asset's page, the CSV import and the product models."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from caredesk.accounts.models import User
from caredesk.core.access import form_errors_from, staff_with
from caredesk.core.agent_pages import agent_page
from caredesk.core.errors import DomainError
from caredesk.devices import selectors
from caredesk.devices.forms import AssetFilterForm, ImportForm
from caredesk.devices.history import HISTORY_LIMIT, asset_history
from caredesk.devices.models import ProductModel
from caredesk.devices.services import asset_update, assets_import, read_csv
from caredesk.devices.stock_forms import AssetEditForm
from caredesk.devices.stock_selectors import parts_of_model
from caredesk.tickets.selectors import can_view_phi

VIEW, IMPORT, CHANGE = "devices.view_asset", "devices.import_asset", "devices.change_asset"
PAGE = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


_page = agent_page


@staff_with(VIEW)
def asset_list(request: HttpRequest) -> HttpResponse:
    form = AssetFilterForm(request.GET or None)
    filters = selectors.AssetFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.AssetFilters(
            q=f"{d['q'].strip().rstrip('*')}*" if d["q"] else "",  # the serial's start
            organization=d["organization"].pk if d["organization"] else None,
            product_model=d["product_model"].pk if d["product_model"] else None,
            warranty=d["warranty"] or "",
        )
    on = selectors.today()
    rows = list(selectors.asset_list(filters, on)[: PAGE + 1])
    shown = rows[:PAGE]
    items = list(zip(shown, selectors.entitlements_of(shown, on), strict=True))
    context = {"form": form, "items": items, "more": len(rows) > PAGE, "tab": "assets"}
    status = 422 if form.is_bound and not form.is_valid() else 200
    return _page(request, "devices/list.html", context, status=status)


@staff_with(VIEW)
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = selectors.asset_get(pk)
    if asset is None:
        raise Http404("No such asset")
    context = {
        "asset": asset,
        "entitlement": selectors.entitlement_of(asset),
        "patient_shown": can_view_phi(_user(request)),
        "history": asset_history(asset),
        "history_limit": HISTORY_LIMIT,
        "rmas": (
            list(asset.rmas.order_by("-created_at", "-id")[: selectors.HISTORY_LIMIT])
            if _user(request).has_perm("devices.view_rma")
            else None
        ),
        "tab": "assets",
    }
    return _page(request, "devices/asset.html", context)


@staff_with(CHANGE)
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = selectors.asset_get(pk)
    if asset is None:
        raise Http404("No such asset")
    phi = can_view_phi(_user(request))
    status = 200
    if request.method == "POST":
        form = AssetEditForm(request.POST, asset=asset, phi=phi)
        status = 422
        if form.is_valid():
            try:
                asset_update(asset=asset, changes=form.changes(), actor=_user(request))
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                flash.success(request, f"Asset {asset.serial} saved.")
                return redirect("devices:asset", asset.pk)
    else:
        form = AssetEditForm(asset=asset, phi=phi)
    context = {"asset": asset, "form": form, "tab": "assets"}
    return _page(request, "devices/asset_edit.html", context, status)


@staff_with(IMPORT)
def asset_import(request: HttpRequest) -> HttpResponse:
    report, status = None, 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        status = 422
        if form.is_valid():
            try:
                rows = read_csv(form.cleaned_data["file"].read())
                report = assets_import(
                    rows=rows, actor=_user(request), dry_run=form.cleaned_data["dry_run"]
                )
                status = 200
            except DomainError as exc:
                form_errors_from(form, exc)
    else:
        form = ImportForm()
    return _page(
        request, "devices/import.html", {"form": form, "report": report, "tab": "import"}, status
    )


@staff_with(VIEW)
def model_list(request: HttpRequest) -> HttpResponse:
    models = list(ProductModel.objects.select_related("product_class").order_by("name"))
    parts: dict[int, Any] = {}
    if _user(request).has_perm("devices.view_part"):
        parts = parts_of_model([m.pk for m in models])
    items = [(m, parts.get(m.pk, [])) for m in models]
    context = {"items": items, "parts_shown": _user(request).has_perm("devices.view_part")}
    return _page(request, "devices/models.html", {**context, "tab": "models"})
