"""Devices: assets by serial with their warranty and entitlement; register one, change one
(a firmware change is an event of its own), import many (per row, with a dry run)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BeforeValidator, Field, StringConstraints

from caredesk.accounts.models import Organization, User
from caredesk.accounts.scopes import DEVICES
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Short, Strict
from caredesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caredesk.devices import selectors
from caredesk.devices.models import Asset
from caredesk.devices.pure import Entitlement
from caredesk.devices.services import asset_update, assets_import, rows_from
from caredesk.tickets.selectors import can_view_phi

router = Router(tags=["devices"])

VIEW, ADD, CHANGE, IMPORT = (
    "devices.view_asset",
    "devices.add_asset",
    "devices.change_asset",
    "devices.import_asset",
)
MASK = "••••••"
MAX_IMPORT = 1000


def _date_text(value: Any) -> Any:
    if not isinstance(value, str | date):  # a number is not a date here
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


LooseDate = Annotated[date, BeforeValidator(_date_text), Field(strict=False)]
Text64 = Annotated[str, StringConstraints(max_length=64)]
Text200 = Annotated[str, StringConstraints(max_length=200)]
Notes = Annotated[str, StringConstraints(max_length=5000)]
WarrantyName = Literal["in", "ending", "out", "unknown"]


def _user(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this on assets.")
    return user


class EntitlementOut(Schema):
    warranty: str
    warranty_ends_on: date | None
    free_repair: bool
    plan: str = Field(description="The service plan covering the unit today; empty: none")
    contract: str = Field(description="The reference of the contract covering it; empty: none")
    loaner: bool
    replacement_hours: int | None
    response_minutes: int | None
    channels: list[str]


class AssetOut(Schema):
    id: int
    serial: str
    model: str
    model_name: str
    product_class: str
    lot: str
    udi: str
    firmware: str
    organization_id: int | None
    organization: str
    site: str
    patient_id: str
    purchased_on: date | None
    installed_on: date | None
    in_clinical_use: bool
    notes: str
    entitlement: EntitlementOut
    created_at: datetime
    updated_at: datetime


def _out(a: Asset, *, phi: bool, on: date, ent: Entitlement | None = None) -> dict[str, Any]:
    ent = ent or selectors.entitlement_of(a, on)
    return {
        **{f: getattr(a, f) for f in ("id", "serial", "lot", "udi", "firmware", "site", "notes")},
        "model": a.product_model.sku,
        "model_name": a.product_model.name,
        "product_class": a.product_model.product_class.name,
        "organization_id": a.organization_id,
        "organization": a.organization.name if a.organization else "",
        "patient_id": a.patient_id if phi or not a.patient_id else MASK,
        "purchased_on": a.purchased_on,
        "installed_on": a.installed_on,
        "in_clinical_use": a.in_clinical_use,
        "entitlement": {
            "warranty": ent.warranty,
            "warranty_ends_on": ent.warranty_ends_on,
            "free_repair": ent.free_repair,
            "plan": ent.plan,
            "contract": ent.contract,
            "loaner": ent.loaner,
            "replacement_hours": ent.replacement_hours,
            "response_minutes": ent.response_minutes,
            "channels": list(ent.channels),
        },
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


class AssetIn(Strict):
    serial: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    model: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The product model's SKU"
    )
    lot: Text64 = ""
    udi: Text200 = ""
    firmware: Text64 = ""
    organization: Text200 = Field("", description="The owner organization's name")
    site: Text200 = ""
    patient_id: Text64 = ""
    purchased_on: LooseDate | None = None
    installed_on: LooseDate | None = None
    in_clinical_use: bool = False
    notes: Notes = ""


class AssetPatchIn(Strict):
    lot: Text64 | None = None
    udi: Text200 | None = None
    firmware: Text64 | None = None
    organization_id: Id | None = None
    site: Text200 | None = None
    patient_id: Text64 | None = None
    purchased_on: LooseDate | None = None
    installed_on: LooseDate | None = None
    in_clinical_use: bool | None = None
    notes: Notes | None = None


class AssetQuery(Clean):
    serial: Short = ""
    organization_id: Id | None = None
    model: Annotated[str, StringConstraints(max_length=64)] = ""
    warranty: WarrantyName | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class AssetListOut(Schema):
    items: list[AssetOut]


class ImportIn(Strict):
    dry_run: bool = False
    assets: Annotated[list[AssetIn], Field(min_length=1, max_length=MAX_IMPORT)]


class RefusedOut(Schema):
    index: int
    serial: str
    errors: dict[str, list[str]]


class ImportOut(Schema):
    dry_run: bool
    accepted: int
    written: int
    refused: list[RefusedOut]
    created: list[int]


@router.get(
    "/assets",
    auth=needs_scope(DEVICES),
    response=AssetListOut,
    summary="List assets",
    description="By serial (exact unless `serial` ends with *), owner, model (SKU) and warranty "
    "state today. The patient is masked for people without access to health information.",
    openapi_extra=documented(401, 403, 422),
)
def asset_list(request: HttpRequest, filters: Query[AssetQuery]) -> dict[str, Any]:
    user = _user(request, VIEW)
    on = selectors.today()
    model_id = None
    if filters.model:
        model_id = selectors.model_id_for_sku(filters.model)
        if model_id is None:
            raise ValidationFailed("Unknown model.", errors={"model": ["No model has this SKU."]})
    f = selectors.AssetFilters(
        q=filters.serial,
        organization=filters.organization_id,
        product_model=model_id,
        warranty=filters.warranty or "",
    )
    rows = list(selectors.asset_list(f, on)[: filters.limit])
    phi = can_view_phi(user)
    ents = selectors.entitlements_of(rows, on)
    return {"items": [_out(a, phi=phi, on=on, ent=e) for a, e in zip(rows, ents, strict=True)]}


def _refused_errors(result: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in result.fields.items()}


@router.post(
    "/assets",
    auth=needs_scope(DEVICES),
    response={201: AssetOut},
    summary="Register an asset",
    openapi_extra=documented(400, 401, 403, 409, 413, 422),
)
def asset_create(request: HttpRequest, payload: AssetIn) -> Status[dict[str, Any]]:
    user = _user(request, ADD)
    report = assets_import(rows=rows_from([payload.model_dump()]), actor=user, dry_run=False)
    row = report.rows[0]
    if not row.ok:
        errors = _refused_errors(row)
        if any(e.startswith("duplicate serial") for e in errors.get("serial", [])):
            raise Conflict("This serial is already registered for that model.", errors=errors)
        raise ValidationFailed("The asset is not valid.", errors=errors)
    assert row.asset is not None
    asset = selectors.asset_get(row.asset.pk)
    assert asset is not None
    return Status(201, _out(asset, phi=can_view_phi(user), on=selectors.today()))


@router.post(
    "/assets/import",
    auth=needs_scope(DEVICES),
    response=ImportOut,
    summary="Register many assets (per row; a dry run writes nothing)",
    description="Every item is checked on its own: those that pass are registered, the others "
    "are listed with their reasons by field. With `dry_run` nothing is written.",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def asset_import(request: HttpRequest, payload: ImportIn) -> dict[str, Any]:
    user = _user(request, IMPORT)
    items = [a.model_dump() for a in payload.assets]
    report = assets_import(rows=rows_from(items), actor=user, dry_run=payload.dry_run)
    return {
        "dry_run": report.dry_run,
        "accepted": len(report.accepted),
        "written": report.written,
        # rows are numbered as lines of a CSV file (2 is the first); the API counts from 0
        "refused": [
            {"index": r.line - 2, "serial": r.serial, "errors": _refused_errors(r)}
            for r in report.refused
        ],
        "created": [r.asset.pk for r in report.accepted if r.asset is not None],
    }


def _get(pk: int) -> Asset:
    asset = selectors.asset_get(pk)
    if asset is None:
        raise NotFound("No such asset.")
    return asset


@router.get(
    "/assets/{asset_id}",
    auth=needs_scope(DEVICES),
    response=AssetOut,
    summary="Get an asset with its entitlement today",
    openapi_extra=documented(401, 403, 404, 422),
)
def asset_get(request: HttpRequest, asset_id: Id) -> dict[str, Any]:
    user = _user(request, VIEW)
    return _out(_get(asset_id), phi=can_view_phi(user), on=selectors.today())


@router.patch(
    "/assets/{asset_id}",
    auth=needs_scope(DEVICES),
    response=AssetOut,
    summary="Change an asset (a firmware change is recorded as an event of its own)",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def asset_patch(request: HttpRequest, asset_id: Id, payload: AssetPatchIn) -> dict[str, Any]:
    user = _user(request, CHANGE)
    asset = _get(asset_id)
    changes = payload.model_dump(exclude_unset=True)
    if "organization_id" in changes:
        org_id = changes.pop("organization_id")
        org = Organization.objects.filter(pk=org_id).first() if org_id else None
        if org_id and org is None:
            raise ValidationFailed(
                "Unknown organization.", errors={"organization_id": ["Not found."]}
            )
        changes["organization"] = org
    for name in ("in_clinical_use",):
        if changes.get(name, False) is None:
            raise ValidationFailed("Give true or false.", errors={name: ["Give true or false."]})
    changes = {
        k: ("" if v is None and k not in ("purchased_on", "installed_on") else v)
        for k, v in changes.items()
    }
    asset_update(asset=asset, changes=changes, actor=user)
    return _out(_get(asset_id), phi=can_view_phi(user), on=selectors.today())
