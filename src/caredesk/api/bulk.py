"""The bulk update operation: one change for many tickets, one result per ticket."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, StringConstraints

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Team, User
from caredesk.accounts.scopes import TICKETS_WRITE
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Id, PriorityNumber, StatusAfterName, Strict
from caredesk.api.tickets import _lookup, _user
from caredesk.core.errors import PermissionDenied
from caredesk.tickets.services import BulkChanges, tickets_bulk_update
from caredesk.tickets.services.bulk import MAX_BULK

router = Router(tags=["tickets"])

TagList = Annotated[list[Annotated[str, StringConstraints(max_length=50)]], Field(max_length=20)]


class BulkChangesIn(Strict):
    """Fields left out are left alone; `assignee: null` unassigns."""

    status: StatusAfterName | None = None
    custom_status: Id | None = Field(
        default=None, description="A custom status's id (GET /statuses), sets its category too."
    )
    priority: PriorityNumber | None = None
    team: Id | None = None
    assignee: Id | None = None
    tags_add: TagList = []
    tags_remove: TagList = []


class BulkUpdateIn(Strict):
    tickets: Annotated[list[Id], Field(min_length=1, max_length=MAX_BULK)]
    changes: BulkChangesIn


class BulkResultOut(Schema):
    id: int
    reference: str
    outcome: Literal["changed", "unchanged", "refused"]
    changed: list[str]
    reason: str
    errors: dict[str, list[str]]


class BulkUpdateOut(Schema):
    changed: int
    unchanged: int
    refused: int
    results: list[BulkResultOut]


@router.post(
    "/tickets/bulk",
    auth=needs_scope(TICKETS_WRITE),
    response=BulkUpdateOut,
    summary="Change many tickets at once",
    description=(
        f"Applies the same change to up to {MAX_BULK} tickets, each through the same service "
        "as a single change (its own events, SLA clocks and protocol reactions). One result "
        "per ticket, in the order given: `changed` (with the fields that changed), "
        "`unchanged` (already as asked) or `refused` with a `reason`: a ticket the caller "
        "cannot see (the same answer as one that does not exist), a protocol's block on "
        "moving it to another team, or a transition it cannot make (a closed ticket "
        "reopened). A refused ticket never stops the others. Agents only."
    ),
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def tickets_bulk(request: HttpRequest, payload: BulkUpdateIn) -> dict[str, Any]:
    user = _user(request)
    if not works_tickets(user):
        raise PermissionDenied("Only agents can change tickets.")
    raw = payload.changes.model_dump(exclude_unset=True)
    assignee = _lookup(User, raw.get("assignee"), "changes.assignee")
    changes = BulkChanges(
        status=raw.get("status"),
        custom_status=raw.get("custom_status"),
        priority=raw.get("priority"),
        team=_lookup(Team, raw.get("team"), "changes.team"),
        assignee=assignee,
        unassign="assignee" in raw and raw["assignee"] is None,
        tags_add=tuple(raw.get("tags_add") or ()),
        tags_remove=tuple(raw.get("tags_remove") or ()),
    )
    results = tickets_bulk_update(ticket_ids=payload.tickets, changes=changes, actor=user)
    out = [
        {
            "id": r.ticket_id,
            "reference": r.ref,
            "outcome": r.outcome,
            "changed": list(r.changed),
            "reason": r.reason,
            "errors": r.errors,
        }
        for r in results
    ]
    counts = {k: sum(1 for r in results if r.outcome == k) for k in ("changed", "unchanged")}
    return {**counts, "refused": len(results) - sum(counts.values()), "results": out}
