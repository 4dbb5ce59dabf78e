"""RMA repairs: list and read them, open one from a ticket, move one through its statuses,
record the parts used (under the `devices` scope; the role decides what a token may do)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from caredesk.accounts.models import User
from caredesk.accounts.scopes import DEVICES
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, Strict
from caredesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from caredesk.devices import rma as services
from caredesk.devices import rma_selectors as selectors
from caredesk.devices.models import Asset, Part, Rma
from caredesk.tickets.selectors import ticket_get

router = Router(tags=["rmas"])

VIEW, ADD, CHANGE, VALIDATE = (
    "devices.view_rma",
    "devices.add_rma",
    "devices.change_rma",
    "devices.validate_rma",
)
StatusName = Literal[
    "issued",
    "received",
    "diagnosed",
    "repaired",
    "replaced",
    "validated",
    "shipped",
    "closed",
    "cancelled",
]
Reason = Annotated[str, StringConstraints(max_length=300)]


def _user(request: HttpRequest, perm: str) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.has_perm(perm):
        raise PermissionDenied("Your role does not allow this on RMAs.")
    return user


class RmaClockOut(Schema):
    metric: str
    label: str
    state: str
    due_at: datetime | None
    stopped_at: datetime | None
    breached_at: datetime | None


class RmaPartLineOut(Schema):
    id: int
    part: str
    part_name: str
    quantity: int
    unit_cost: Decimal
    cost: Decimal
    created_at: datetime


class RmaCheckOut(Schema):
    id: int
    text: str
    required: bool
    done: bool
    done_at: datetime | None


class RmaOut(Schema):
    id: int
    number: str
    status: StatusName
    ticket_id: int
    ticket: str
    asset_id: int
    serial: str
    organization_id: int | None
    warranty: bool
    warranty_reason: str
    replacement_hours: int | None
    tracking_in: str
    tracking_out: str
    technician_id: int | None
    findings: str
    failure_mode: str
    failure_other: str
    labour_minutes: int
    labour_rate: Decimal
    parts_cost: Decimal
    labour_cost: Decimal
    repair_cost: Decimal
    cancel_reason: str
    created_at: datetime
    received_at: datetime | None
    diagnosed_at: datetime | None
    repaired_at: datetime | None
    validated_at: datetime | None
    shipped_at: datetime | None
    closed_at: datetime | None
    clocks: list[RmaClockOut]
    parts: list[RmaPartLineOut]
    checks: list[RmaCheckOut]


def _out(rma: Rma, clocks: list[Any]) -> dict[str, Any]:
    parts = list(rma.parts_used.all())
    return {
        **{
            f: getattr(rma, f)
            for f in (
                "id",
                "status",
                "ticket_id",
                "asset_id",
                "organization_id",
                "warranty",
                "warranty_reason",
                "replacement_hours",
                "tracking_in",
                "tracking_out",
                "technician_id",
                "findings",
                "failure_mode",
                "failure_other",
                "labour_minutes",
                "labour_rate",
                "labour_cost",
                "cancel_reason",
                "created_at",
                "received_at",
                "diagnosed_at",
                "repaired_at",
                "validated_at",
                "shipped_at",
                "closed_at",
            )
        },
        "number": rma.number or "",
        "ticket": rma.ticket.ref,
        "serial": rma.asset.serial,
        "parts_cost": sum((p.line_cost for p in parts), Decimal("0.00")),
        "repair_cost": sum((p.line_cost for p in parts), Decimal("0.00")) + rma.labour_cost,
        "clocks": [
            {
                "metric": c.metric,
                "label": c.label,
                "state": c.state,
                "due_at": c.due_at,
                "stopped_at": c.stopped_at,
                "breached_at": c.breached_at,
            }
            for c in clocks
        ],
        "parts": [
            {
                "id": p.pk,
                "part": p.part.number,
                "part_name": p.part.name,
                "quantity": p.quantity,
                "unit_cost": p.unit_cost,
                "cost": p.line_cost,
                "created_at": p.created_at,
            }
            for p in parts
        ],
        "checks": [
            {
                "id": c.pk,
                "text": c.text,
                "required": c.required,
                "done": c.done,
                "done_at": c.done_at,
            }
            for c in rma.checks.all()
        ],
    }


def _page(items: list[Rma]) -> list[dict[str, Any]]:
    clocks = selectors.clocks_of(items)
    return [_out(r, clocks[r.pk]) for r in items]


def _with_lines(qs: Any) -> Any:
    return qs.prefetch_related("parts_used__part", "checks")


class RmaQuery(Clean):
    status: StatusName | Literal["open"] | None = None
    overdue: bool = False
    q: Annotated[str, StringConstraints(max_length=64)] = Field(
        "", description="An RMA number or a serial"
    )
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class RmaListOut(Schema):
    items: list[RmaOut]


@router.get(
    "/rmas",
    auth=needs_scope(DEVICES),
    response=RmaListOut,
    summary="List RMAs",
    description="Newest first; by status (or `open`: neither closed nor cancelled), overdue "
    "(a clock past its due instant) and RMA number or serial.",
    openapi_extra=documented(401, 403, 422),
)
def rma_list(request: HttpRequest, filters: Query[RmaQuery]) -> dict[str, Any]:
    _user(request, VIEW)
    f = selectors.RmaFilters(status=filters.status or "", overdue=filters.overdue, q=filters.q)
    items = list(_with_lines(selectors.rma_list(f))[: filters.limit])
    return {"items": _page(items)}


def _get(pk: int) -> Rma:
    rma = _with_lines(selectors.rmas()).filter(pk=pk).first()
    if rma is None:
        raise NotFound("No such RMA.")
    assert isinstance(rma, Rma)
    return rma


@router.get(
    "/rmas/{rma_id}",
    auth=needs_scope(DEVICES),
    response=RmaOut,
    summary="Get an RMA with its clocks, parts and validation steps",
    openapi_extra=documented(401, 403, 404, 422),
)
def rma_get(request: HttpRequest, rma_id: Id) -> dict[str, Any]:
    _user(request, VIEW)
    return _page([_get(rma_id)])[0]


class RmaIn(Strict):
    ticket_id: Id
    asset_id: Id | None = Field(None, description="The unit, when the ticket's serial is ambiguous")
    warranty: bool | None = Field(
        None, description="Override the unit's entitlement (with a reason)"
    )
    reason: Reason = ""


@router.post(
    "/rmas",
    auth=needs_scope(DEVICES),
    response={201: RmaOut},
    summary="Open an RMA from a ticket",
    description="For the unit the ticket names; warranty or paid from what the unit is entitled "
    "to today unless `warranty` says otherwise with a `reason`. The customer is mailed.",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def rma_create(request: HttpRequest, payload: RmaIn) -> Status[dict[str, Any]]:
    user = _user(request, ADD)
    ticket = ticket_get(user=user, pk=payload.ticket_id)
    asset = None
    if payload.asset_id is not None:
        asset = Asset.objects.select_related("product_model").filter(pk=payload.asset_id).first()
        if asset is None or asset.serial != ticket.device_serial.strip():
            raise ValidationFailed(
                "The unit is not the ticket's.",
                errors={"asset_id": ["Give a unit with the serial the ticket names."]},
            )
    rma = services.rma_open(
        ticket=ticket, actor=user, asset=asset, warranty=payload.warranty, reason=payload.reason
    )
    return Status(201, _page([_get(rma.pk)])[0])


class RmaTransitionIn(Strict):
    status: StatusName
    reason: Reason = Field("", description="Required to cancel")
    tracking: Annotated[str, StringConstraints(max_length=100)] = Field(
        "", description="Inbound on received, outbound on shipped"
    )


@router.post(
    "/rmas/{rma_id}/transition",
    auth=needs_scope(DEVICES),
    response=RmaOut,
    summary="Move an RMA to its next status",
    description="Refused with 409 when the flow does not allow the move (or the bench "
    "validation is unfinished); cancelling needs a reason (422).",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def rma_transition(request: HttpRequest, rma_id: Id, payload: RmaTransitionIn) -> dict[str, Any]:
    user = _user(request, CHANGE)
    if payload.status == "validated" and not user.has_perm(VALIDATE):
        raise PermissionDenied("Validating a repair is for repair technicians.")
    services.rma_transition(
        rma=_get(rma_id),
        to=payload.status,
        actor=user,
        reason=payload.reason,
        tracking=payload.tracking,
    )
    return _page([_get(rma_id)])[0]


class RmaPartLineIn(Strict):
    part: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The part number"
    )
    quantity: Annotated[int, Field(ge=1, le=1000)]


@router.post(
    "/rmas/{rma_id}/parts",
    auth=needs_scope(DEVICES),
    response={201: RmaOut},
    summary="Record a part used in the repair",
    description="At the part's unit cost now; the part leaves the repair stock.",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def rma_part(request: HttpRequest, rma_id: Id, payload: RmaPartLineIn) -> Status[dict[str, Any]]:
    user = _user(request, CHANGE)
    rma = _get(rma_id)
    part = Part.objects.filter(number=payload.part).first()
    if part is None:
        raise ValidationFailed("Unknown part.", errors={"part": ["No part has this number."]})
    services.rma_part_add(rma=rma, part=part, quantity=payload.quantity, actor=user)
    return Status(201, _page([_get(rma_id)])[0])
