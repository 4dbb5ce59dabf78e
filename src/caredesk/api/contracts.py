"""Service plans and contracts: read the plans; list, read, make and cancel contracts (a
cancellation within the money-back period refunds in full). Under the `devices` scope."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BeforeValidator, Field, StringConstraints

from caredesk.accounts.models import Organization, User
from caredesk.accounts.scopes import DEVICES
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.devices import plan_selectors as reads
from caredesk.devices.models import (
    Asset,
    ChurnReason,
    Contract,
    ProductModel,
    ServicePlan,
)
from caredesk.devices.plans import NewContract, contract_cancel, contract_create
from caredesk.devices.pure import money_back_until

router = Router(tags=["service contracts"])
VIEW_PLANS, VIEW, ADD, CANCEL = (
    "devices.view_asset",  # the plans are what the desk's people read on an asset's card
    "devices.view_contract",
    "devices.add_contract",
    "devices.cancel_contract",
)
MAX_SERIALS = 10_000


def _user(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this on service contracts.")
    return user


def _date_text(value: Any) -> Any:
    if not isinstance(value, str | date):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


LooseDate = Annotated[date, BeforeValidator(_date_text), Field(strict=False)]


class PlanOut(Schema):
    id: int
    name: str
    description: str
    price_per_unit_year: Decimal
    free_repair: bool
    loaner: bool
    replacement_hours: int | None
    response_minutes: int | None
    channels: list[str]
    preventive_visits: int
    sla_plan: str
    active: bool


class PlanListOut(Schema):
    items: list[PlanOut]


def _plan(p: ServicePlan) -> dict[str, Any]:
    return {
        **{
            f: getattr(p, f)
            for f in (
                "id",
                "name",
                "description",
                "price_per_unit_year",
                "free_repair",
                "loaner",
                "replacement_hours",
                "response_minutes",
                "preventive_visits",
                "active",
            )
        },
        "channels": list(p.channels or []),
        "sla_plan": p.sla_tier,
    }


@router.get(
    "/service-plans",
    auth=needs_scope(DEVICES),
    response=PlanListOut,
    summary="List service plans",
    description="What each plan includes and costs per device and year.",
    openapi_extra=documented(401, 403),
)
def plan_list(request: HttpRequest) -> dict[str, Any]:
    _user(request, VIEW_PLANS)
    return {"items": [_plan(p) for p in reads.plans()]}


class ContractOut(Schema):
    id: int
    reference: str
    organization_id: int
    organization: str
    plan_id: int
    plan: str
    starts_on: date
    ends_on: date
    coverage: str
    units: int
    unit_price: Decimal
    list_price: Decimal
    discount_percent: Decimal
    total: Decimal
    money_back_until: date
    auto_renew: bool
    status: str
    renewed_from: str | None
    churn_reason: str
    churn_note: str
    cancelled_on: date | None
    refund: Decimal | None
    created_at: datetime


def _contract(c: Contract) -> dict[str, Any]:
    return {
        **{
            f: getattr(c, f)
            for f in (
                "id",
                "reference",
                "organization_id",
                "plan_id",
                "starts_on",
                "ends_on",
                "coverage",
                "units",
                "unit_price",
                "list_price",
                "discount_percent",
                "total",
                "auto_renew",
                "status",
                "churn_reason",
                "churn_note",
                "cancelled_on",
                "refund",
                "created_at",
            )
        },
        "organization": c.organization.name,
        "plan": c.plan.name,
        "money_back_until": money_back_until(c.starts_on),
        "renewed_from": c.renewed_from.reference if c.renewed_from_id and c.renewed_from else None,
    }


class ContractListOut(Schema):
    items: list[ContractOut]


class ContractQuery(Clean):
    organization_id: Id | None = None
    status: Literal["active", "renewed", "lapsed", "cancelled"] | None = None
    plan_id: Id | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


@router.get(
    "/contracts",
    auth=needs_scope(DEVICES),
    response=ContractListOut,
    summary="List service contracts",
    description="Newest start first; by organization, status and plan.",
    openapi_extra=documented(401, 403, 422),
)
def contract_list(request: HttpRequest, filters: Query[ContractQuery]) -> dict[str, Any]:
    _user(request, VIEW)
    f = reads.ContractFilters(
        organization=filters.organization_id, status=filters.status or "", plan=filters.plan_id
    )
    qs = reads.contracts(f).select_related("renewed_from")[: filters.limit]
    return {"items": [_contract(c) for c in qs]}


def _get(pk: int) -> Contract:
    contract = reads.contract_get(pk)
    if contract is None:
        raise NotFound("No such contract.")
    return contract


@router.get(
    "/contracts/{contract_id}",
    auth=needs_scope(DEVICES),
    response=ContractOut,
    summary="Get a service contract",
    openapi_extra=documented(401, 403, 404, 422),
)
def contract_get(request: HttpRequest, contract_id: Id) -> dict[str, Any]:
    _user(request, VIEW)
    return _contract(_get(contract_id))


Serial = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class ContractIn(Strict):
    organization_id: Id
    plan_id: Id
    starts_on: LooseDate
    months: Annotated[int, Field(ge=1, le=60)] = 12
    coverage: Literal["units", "models"] = "units"
    serials: Annotated[list[Serial], Field(max_length=MAX_SERIALS)] = Field(
        default_factory=list, description="The units covered (coverage `units`)"
    )
    models: Annotated[
        list[Annotated[str, StringConstraints(max_length=64)]], Field(max_length=200)
    ] = Field(default_factory=list, description="Product model SKUs (coverage `models`)")
    auto_renew: bool = False
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] = ""


def _resolve(payload: ContractIn) -> NewContract:
    errors: dict[str, list[str]] = {}
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        errors["organization_id"] = ["No such organization."]
    plan = ServicePlan.objects.filter(pk=payload.plan_id).first()
    if plan is None:
        errors["plan_id"] = ["No such plan."]
    assets: list[Asset] = []
    if org is not None and payload.coverage == "units":
        wanted = set(payload.serials)
        assets = list(Asset.objects.filter(organization=org, serial__in=wanted))
        missing = sorted(wanted - {a.serial for a in assets})
        if missing:
            errors["serials"] = [f"Not units of the organization: {', '.join(missing[:10])}."]
    models: list[ProductModel] = []
    if payload.coverage == "models":
        skus = {s.casefold() for s in payload.models}
        models = [m for m in ProductModel.objects.all() if m.sku.casefold() in skus]
        unknown = sorted(skus - {m.sku.casefold() for m in models})
        if unknown:
            errors["models"] = [f"Unknown models: {', '.join(unknown[:10])}."]
    if errors:
        raise ValidationFailed("The contract is not valid.", errors=errors)
    assert org is not None and plan is not None
    return NewContract(
        organization=org,
        plan=plan,
        starts_on=payload.starts_on,
        months=payload.months,
        coverage=payload.coverage,
        assets=assets,
        product_models=models,
        auto_renew=payload.auto_renew,
        reference=payload.reference,
    )


@router.post(
    "/contracts",
    auth=needs_scope(DEVICES),
    response={201: ContractOut},
    summary="Make a service contract",
    description="Priced from the plan's current price: units times the yearly price (pro rata "
    "by month for another term), 10 % off for more than 5 units.",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def contract_make(request: HttpRequest, payload: ContractIn) -> Status[dict[str, Any]]:
    user = _user(request, ADD)
    contract = contract_create(data=_resolve(payload), actor=user)
    return Status(201, _contract(_get(contract.pk)))


class CancelIn(Strict):
    reason: Literal[tuple(ChurnReason.values)]  # type: ignore[valid-type]
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class CancelOut(Schema):
    contract: ContractOut
    refund: Decimal
    money_back: bool


@router.post(
    "/contracts/{contract_id}/cancel",
    auth=needs_scope(DEVICES),
    response=CancelOut,
    summary="Cancel a service contract and record its refund",
    description="Within 30 days of the start the whole total is refunded; after that the "
    "unused days' share. The reason is kept as the churn reason.",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def contract_cancel_op(request: HttpRequest, contract_id: Id, payload: CancelIn) -> dict[str, Any]:
    user = _user(request, CANCEL)
    done = contract_cancel(
        contract=_get(contract_id), reason=payload.reason, note=payload.note, actor=user
    )
    return {
        "contract": _contract(_get(contract_id)),
        "refund": done.refund,
        "money_back": done.in_money_back,
    }
