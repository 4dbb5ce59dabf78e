"""Spare parts: the parts with their stock per location, days of stock and reorder state; a
part's movements (keyset pages); receiving stock and adjusting or counting it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints, model_validator

from caredesk.accounts.models import User
from caredesk.accounts.scopes import DEVICES
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.devices import stock, stock_selectors
from caredesk.devices.models import Part, StockLocation, StockMovement

router = Router(tags=["devices"])

VIEW, MANAGE = "devices.view_part", "devices.manage_stock"
Quantity = Annotated[int, Field(ge=1, le=stock.MAX_QUANTITY)]
Reason = Annotated[str, StringConstraints(max_length=stock.REASON_MAX)]
Reference = Annotated[str, StringConstraints(max_length=stock.REFERENCE_MAX)]


def _user(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this on spare parts.")
    return user


class LocationOut(Schema):
    id: int
    name: str
    repair_stock: bool
    active: bool


class LevelOut(Schema):
    location_id: int
    location: str
    on_hand: int


class PartOut(Schema):
    id: int
    number: str
    name: str
    unit_cost: Decimal
    lead_time_days: int
    critical: bool
    floor_days: int
    ceiling_days: int
    models: list[str]
    on_hand: int
    stock: list[LevelOut]
    used_last_90_days: int
    days_of_stock: float | None = Field(description="null: no use in the last 90 days")
    below_floor: bool = Field(description="An open reorder alert: it dropped below its floor")
    suggested_quantity: int


class PartListOut(Schema):
    items: list[PartOut]


class PartQuery(Clean):
    q: Annotated[str, StringConstraints(max_length=64)] = Field(
        "", description="The part number's start or a word of its name"
    )
    below_floor: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class MovementOut(Schema):
    id: int
    kind: str
    location_id: int
    location: str
    other_location_id: int | None
    quantity: int
    on_hand_after: int
    reference: str
    reason: str
    actor_id: int | None
    created_at: datetime


class MovementPageOut(Schema):
    items: list[MovementOut]
    next_before: int | None = Field(description="Pass as `before` for the next (older) page")


class MovementQuery(Clean):
    before: Id | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class ReceiveIn(Strict):
    location_id: Id
    quantity: Quantity
    reference: Reference = ""
    reason: Reason = ""


class AdjustIn(Strict):
    location_id: Id
    change: Annotated[int, Field(ge=-stock.MAX_QUANTITY, le=stock.MAX_QUANTITY)] | None = Field(
        None, description="Add (positive) or remove (negative) parts"
    )
    counted: Annotated[int, Field(ge=0, le=stock.MAX_QUANTITY)] | None = Field(
        None, description="A stock count: what is on the shelf becomes the level"
    )
    reason: Annotated[str, StringConstraints(min_length=1, max_length=stock.REASON_MAX)]

    @model_validator(mode="after")
    def _one_of(self) -> AdjustIn:
        if (self.change is None) == (self.counted is None):
            raise ValueError("Give either change or counted.")
        return self


def _parts_out(parts: list[Part]) -> list[dict[str, Any]]:
    states = stock_selectors.stock_states(parts)
    alerts = stock_selectors.open_alerts([p.pk for p in parts])
    places = {loc.pk: loc for loc in stock_selectors.locations(active_only=False)}
    out = []
    for p in parts:
        s = states[p.pk]
        out.append(
            {
                **{f: getattr(p, f) for f in ("id", "number", "name", "unit_cost", "critical")},
                "lead_time_days": p.lead_time_days,
                "floor_days": s.floor_days,
                "ceiling_days": s.ceiling_days,
                "models": [m.sku for m in p.product_models.all()],
                "on_hand": s.on_hand,
                "stock": [
                    {"location_id": k, "location": places[k].name, "on_hand": n}
                    for k, n in sorted(s.by_location.items())
                ],
                "used_last_90_days": s.used,
                "days_of_stock": float(s.days) if s.days is not None else None,
                "below_floor": p.pk in alerts,
                "suggested_quantity": s.suggested,
            }
        )
    return out


def _movement(m: StockMovement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "location_id": m.location_id,
        "location": m.location.name,
        "other_location_id": m.other_location_id,
        "quantity": m.quantity,
        "on_hand_after": m.on_hand_after,
        "reference": m.reference,
        "reason": m.reason,
        "actor_id": m.actor_id,
        "created_at": m.created_at,
    }


def _part(pk: int) -> Part:
    part = stock_selectors.part_get(pk)
    if part is None:
        raise NotFound("No such part.")
    return part


def _location(pk: int) -> StockLocation:
    location = StockLocation.objects.filter(pk=pk).first()
    if location is None:
        raise ValidationFailed(
            "Unknown location.", errors={"location_id": ["No stock location has this id."]}
        )
    return location


@router.get(
    "/stock-locations",
    auth=needs_scope(DEVICES),
    response=list[LocationOut],
    summary="List the stock locations",
    openapi_extra=documented(401, 403),
)
def location_list(request: HttpRequest) -> list[dict[str, Any]]:
    _user(request, VIEW)
    return [
        {"id": loc.pk, "name": loc.name, "repair_stock": loc.repair_default, "active": loc.active}
        for loc in stock_selectors.locations(active_only=False)
    ]


@router.get(
    "/parts",
    auth=needs_scope(DEVICES),
    response=PartListOut,
    summary="List spare parts with their stock",
    description="Stock per location, days of stock (on hand over the average daily use in "
    "repairs in the last 90 days), the floor and ceiling in days, whether the part is below "
    "its floor, and the suggested reorder quantity.",
    openapi_extra=documented(401, 403, 422),
)
def part_list(request: HttpRequest, filters: Query[PartQuery]) -> dict[str, Any]:
    _user(request, VIEW)
    qs = stock_selectors.parts(filters.q, below_floor_only=filters.below_floor)
    parts = list(qs.prefetch_related("product_models")[: filters.limit])
    return {"items": _parts_out(parts)}


@router.get(
    "/parts/{part_id}",
    auth=needs_scope(DEVICES),
    response=PartOut,
    summary="Get a spare part with its stock",
    openapi_extra=documented(401, 403, 404, 422),
)
def part_get(request: HttpRequest, part_id: Id) -> dict[str, Any]:
    _user(request, VIEW)
    return _parts_out([_part(part_id)])[0]


@router.get(
    "/parts/{part_id}/movements",
    auth=needs_scope(DEVICES),
    response=MovementPageOut,
    summary="A part's stock movements, newest first",
    openapi_extra=documented(401, 403, 404, 422),
)
def part_movements(request: HttpRequest, part_id: Id, page: Query[MovementQuery]) -> dict[str, Any]:
    _user(request, VIEW)
    rows, next_before = stock_selectors.movements_of(
        _part(part_id), before=page.before, limit=page.limit
    )
    return {"items": [_movement(m) for m in rows], "next_before": next_before}


@router.post(
    "/parts/{part_id}/receive",
    auth=needs_scope(DEVICES),
    response={201: MovementOut},
    summary="Receive stock of a part at a location",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def part_receive(request: HttpRequest, part_id: Id, payload: ReceiveIn) -> Status[dict[str, Any]]:
    user = _user(request, MANAGE)
    part = _part(part_id)
    movement = stock.stock_receive(
        part=part,
        location=_location(payload.location_id),
        quantity=payload.quantity,
        actor=user,
        reference=payload.reference,
        reason=payload.reason,
    )
    return Status(201, _movement(movement))


@router.post(
    "/parts/{part_id}/adjust",
    auth=needs_scope(DEVICES),
    response={201: MovementOut},
    summary="Adjust or count a part's stock at a location (a reason is required)",
    description="Give `change` to add or remove parts, or `counted` for a stock count. Stock "
    "never goes below zero: such a change is refused (422) naming the field.",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def part_adjust(request: HttpRequest, part_id: Id, payload: AdjustIn) -> Status[dict[str, Any]]:
    user = _user(request, MANAGE)
    part = _part(part_id)
    location = _location(payload.location_id)
    if payload.counted is not None:
        movement = stock.stock_count(
            part=part, location=location, counted=payload.counted, actor=user,
            reason=payload.reason,
        )  # fmt: skip
    else:
        assert payload.change is not None
        movement = stock.stock_adjust(
            part=part, location=location, change=payload.change, actor=user,
            reason=payload.reason,
        )  # fmt: skip
    return Status(201, _movement(movement))
