"""Merging a ticket into another, and the people in copy (CC) of a ticket's public replies."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.scopes import TICKETS_READ, TICKETS_WRITE
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Id, Strict, TicketOut
from caredesk.api.tickets import _ticket_json, _user
from caredesk.core.errors import NotFound, PermissionDenied
from caredesk.tickets import selectors
from caredesk.tickets.models import Ticket, TicketCC
from caredesk.tickets.services.ccs import cc_add, cc_remove_by_id
from caredesk.tickets.services.merge import ticket_merge

router = Router(tags=["tickets"])


class MergeIn(Strict):
    into: Id = Field(description="The ticket to merge into (a merged one is followed).")
    note: Annotated[str, StringConstraints(max_length=2000)] = Field(
        default="", description="Written above the notice the source's requester is sent."
    )


class CcIn(Strict):
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class CcOut(Schema):
    id: int
    email: str
    name: str
    contact_id: int | None
    created_at: Any


def _cc_out(cc: TicketCC) -> dict[str, Any]:
    return {
        "id": cc.pk,
        "email": cc.email,
        "name": cc.name,
        "contact_id": cc.contact_id,
        "created_at": cc.created_at,
    }


@router.post(
    "/tickets/{ticket_id}/merge",
    auth=needs_scope(TICKETS_WRITE),
    response=TicketOut,
    summary="Merge a ticket into another",
    description=(
        "Moves the ticket's messages and attachments (with their times) into `into`, joins "
        "followers, tags and people in copy, puts the ticket's requester in copy of `into` when "
        "it is someone else, tells that requester by a public reply, and closes the ticket "
        "with `merged_into` set. Answers with the ticket merged into. 409 when it cannot be: "
        "a closed or merged ticket, or tickets of different organizations; 422 for a ticket "
        "into itself. Needs the `tickets.merge_ticket` permission (agents, support leads, "
        "clinical and quality staff)."
    ),
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def ticket_merge_op(request: HttpRequest, ticket_id: Id, payload: MergeIn) -> dict[str, Any]:
    user = _user(request)
    source = selectors.ticket_get(user=user, pk=ticket_id)
    into = Ticket(pk=payload.into)
    target = ticket_merge(source=source, into=into, actor=user, note=payload.note)
    return _ticket_json(target.pk, user)


def _ticket_for_ccs(request: HttpRequest, ticket_id: int) -> Ticket:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if not works_tickets(user) and getattr(user, "contact", None) != ticket.requester:
        raise PermissionDenied("Only agents and the requester can change who is in copy.")
    return ticket


@router.get(
    "/tickets/{ticket_id}/ccs",
    auth=needs_scope(TICKETS_READ),
    response=list[CcOut],
    summary="List the people in copy",
    openapi_extra=documented(401, 404, 422),
)
def cc_list(request: HttpRequest, ticket_id: Id) -> list[dict[str, Any]]:
    ticket = selectors.ticket_get(user=_user(request), pk=ticket_id)
    return [_cc_out(cc) for cc in ticket.ccs.all()]


@router.post(
    "/tickets/{ticket_id}/ccs",
    auth=needs_scope(TICKETS_WRITE),
    response={201: CcOut},
    summary="Put someone in copy of the public replies",
    description="Agents, and the ticket's requester. At most 20 per ticket; never notes.",
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def cc_create(request: HttpRequest, ticket_id: Id, payload: CcIn) -> Status[dict[str, Any]]:
    ticket = _ticket_for_ccs(request, ticket_id)
    cc = cc_add(ticket=ticket, email=payload.email, name=payload.name, actor=_user(request))
    return Status(201, _cc_out(cc))


@router.delete(
    "/tickets/{ticket_id}/ccs/{cc_id}",
    auth=needs_scope(TICKETS_WRITE),
    response={204: None},
    summary="Take someone out of copy",
    openapi_extra=documented(401, 403, 404, 422),
)
def cc_delete(request: HttpRequest, ticket_id: Id, cc_id: Id) -> Status[None]:
    ticket = _ticket_for_ccs(request, ticket_id)
    if not cc_remove_by_id(ticket=ticket, cc_id=cc_id, actor=_user(request)):
        raise NotFound("No such person in copy.")
    return Status(204, None)
