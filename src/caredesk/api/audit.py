"""The access audit, read-only: staff compliance officers see every entry; an enterprise
customer's administrators and service accounts see only their own organization's."""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from caredesk.accounts.capabilities import is_staff_member
from caredesk.accounts.models import User
from caredesk.accounts.scopes import AUDIT_READ, organization_limit
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import Clean, Id, IsoDatetime
from caredesk.compliance import access as audit
from caredesk.compliance.audit import iso
from caredesk.compliance.models import AuditAction
from caredesk.compliance.selectors import AuditFilters, audit_page
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.tickets.pure import pk_from_ref, ref_for
from caredesk.tickets.selectors import ticket_ids_for_patient

router = Router(tags=["audit"])


class AuditQuery(Clean):
    action: Annotated[str, StringConstraints(max_length=40)] = ""
    person: Id | None = None
    patient: Annotated[str, StringConstraints(max_length=64)] = ""
    ticket: Annotated[str, StringConstraints(max_length=20)] = ""
    since: IsoDatetime | None = None
    until: IsoDatetime | None = None
    cursor: Annotated[str, StringConstraints(max_length=4096)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class AuditActorOut(Schema):
    id: int
    name: str


class AuditEntryOut(Schema):
    seq: int
    at: str
    actor: AuditActorOut | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    ticket: str | None
    organization_id: int | None
    fields: list[str]
    reason: str
    request_id: str
    ip: str | None = None
    hash: str


class AuditPageOut(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None


def _scope(user: User) -> int | None:
    """None for everything (staff compliance officers), else the one organization's id."""
    if is_staff_member(user):
        if user.has_perm("compliance.view_auditentry"):
            return None
        raise PermissionDenied("Reading the access audit needs the compliance officer's role.")
    contact = getattr(user, "contact", None)
    if contact is None or not contact.is_org_admin:
        raise PermissionDenied("Only your organization's administrators may read its audit.")
    return int(contact.organization_id)


def _within_token_organization(user: User, organization_id: int | None) -> int | None:
    """A token limited to an organization reads that organization's entries only."""
    limit = organization_limit(user)
    if limit is None or organization_id == limit:
        return organization_id
    if organization_id is None:
        return limit
    raise PermissionDenied("This token is limited to another organization.")


def _filters(query: AuditQuery, organization_id: int | None) -> AuditFilters:
    errors: dict[str, list[str]] = {}
    if query.action and query.action not in AuditAction.values:
        errors["action"] = ["Not a known action."]
    for name in ("since", "until"):
        value = getattr(query, name)
        if value is not None and value.tzinfo is None:
            errors[name] = ["Give a timezone offset, e.g. 2026-11-02T09:00:00Z."]
    ticket_ids: tuple[int, ...] | None = None
    if query.patient:
        ticket_ids = tuple(ticket_ids_for_patient(query.patient))
    if query.ticket:
        pk = pk_from_ref(query.ticket)
        if pk is None:
            errors["ticket"] = ["Give a ticket reference, e.g. CD-1042."]
        else:
            ticket_ids = (pk,) if ticket_ids is None or pk in ticket_ids else ()
    if errors:
        raise ValidationFailed("Some filters are not valid.", errors=errors)
    return AuditFilters(
        actor_id=query.person,
        ticket_ids=ticket_ids,
        action=query.action,
        organization_id=organization_id,
        since=query.since,
        until=query.until,
    )


def _entry_out(e: Any, names: dict[int, str], staff: bool) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": iso(e.at),
        "actor": {"id": e.actor_id, "name": names.get(e.actor_id, "")} if e.actor_id else None,
        "actor_role": e.actor_role,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "ticket": ref_for(settings.CAREDESK_TICKET_PREFIX, e.ticket_id) if e.ticket_id else None,
        "organization_id": e.organization_id,
        "fields": list(e.fields),
        "reason": e.reason,
        "request_id": e.request_id,
        "ip": e.ip if staff else None,
        "hash": e.hash,
    }


@router.get(
    "/audit",
    auth=needs_scope(AUDIT_READ),
    response=AuditPageOut,
    summary="Read the access audit",
    description=(
        "Who saw or changed what, newest first. Staff with the compliance officer's role see "
        "every entry; an organization's administrators and service accounts see only entries "
        "about their organization, as does a token limited to one organization. Read-only; "
        "reading is itself recorded."
    ),
    openapi_extra=documented(401, 403, 422),
)
def audit_list(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    organization_id = _within_token_organization(user, _scope(user))
    page = audit_page(
        filters=_filters(query, organization_id), cursor=query.cursor, limit=query.limit
    )
    used = [
        k for k, v in query.dict().items() if v not in (None, "") and k not in ("cursor", "limit")
    ]
    audit.audit_searched(request=request, filters_used=used, scope="api")
    return {
        "items": [_entry_out(e, page.actor_names, organization_id is None) for e in page.items],
        "next_cursor": page.next_cursor,
    }
