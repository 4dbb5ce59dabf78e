"""Ticket endpoints: parse, authorise, call one service, serialise."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router, Status

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Contact, Organization, Team, User
from caredesk.accounts.scopes import TICKETS_READ, TICKETS_WRITE, organization_limit
from caredesk.accounts.services import requester_create
from caredesk.api import serialize
from caredesk.api.auth import needs_scope
from caredesk.api.problems import documented
from caredesk.api.schemas import (
    MAX_BATCH,
    AttachmentIn,
    ChecklistItemIn,
    ChecklistOut,
    ChecklistTickIn,
    CustomStatusOut,
    EscalateIn,
    Id,
    MessageAddedOut,
    MessageIn,
    MessageOut,
    SafetyIn,
    TaskIn,
    TicketBatchIn,
    TicketBatchOut,
    TicketCreateIn,
    TicketOut,
    TicketPageOut,
    TicketQuery,
    TicketUpdateIn,
)
from caredesk.compliance import access as audit
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.sla.selectors import sla_views, views_of
from caredesk.tickets import selectors, services
from caredesk.tickets.models import CustomStatus, RequestType, Ticket
from caredesk.tickets.services import Body, NewTicket, Upload
from caredesk.tickets.services.checklists import (
    checklist_item_add,
    checklist_item_tick,
    checklist_state,
)
from caredesk.tickets.services.safety import safety_decide
from caredesk.tickets.services.statuses import statuses_all
from caredesk.tickets.services.tasks import task_open

router = Router(tags=["tickets"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _with_relations(pk: int) -> Ticket:
    return (
        Ticket.objects.select_related(*selectors.LIST_RELATED).prefetch_related("tags").get(pk=pk)
    )


def _ticket_json(pk: int, user: User) -> dict[str, Any]:
    ticket = _with_relations(pk)
    shown = selectors.phi_shown(user, ticket)
    tasks = tasks_for(user, [pk]).get(pk)
    return serialize.ticket_out(ticket, sla_views([pk])[pk], phi_shown=shown, tasks=tasks)


def tasks_for(user: User, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The tasks of these tickets, for people who work tickets (one query; none otherwise)."""
    return selectors.task_refs(ids) if works_tickets(user) else {}


def _uploads(items: list[AttachmentIn]) -> tuple[Upload, ...]:
    out = []
    for i, item in enumerate(items):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                "An attachment is not valid.",
                errors={f"attachments.{i}.content_base64": ["Send the file as base64."]},
            ) from None
        out.append(Upload(filename=item.filename, content_type=item.content_type, data=data))
    return tuple(out)


def _lookup(model: Any, pk: int | None, field: str, **extra: Any) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **extra).first()
    if obj is None:
        raise ValidationFailed(
            "A referenced record does not exist.", errors={field: ["Not found."]}
        )
    return obj


@router.get(
    "/tickets",
    auth=needs_scope(TICKETS_READ),
    response=TicketPageOut,
    summary="List tickets",
    openapi_extra=documented(401, 422),
)
def ticket_list(request: HttpRequest, filters: Query[TicketQuery]) -> dict[str, Any]:
    f = selectors.TicketFilters(
        queue=filters.queue,
        status=filters.status,
        custom_status=filters.custom_status,
        priority=filters.priority,
        team=filters.team,
        assignee=filters.assignee,
        organization=filters.organization,
        requester=filters.requester,
        q=filters.q,
        sort=filters.sort,
        patient_id=filters.patient_id,
        clinician_id=filters.clinician_id,
        encounter_id=filters.encounter_id,
    )
    user = _user(request)
    page = selectors.ticket_page(user=user, filters=f, cursor=filters.cursor, limit=filters.limit)
    prefetch_related_objects(page.items, "tags")
    audit.tickets_read(request=request, tickets=page.items)
    ids = [t.pk for t in page.items]
    views = sla_views(ids)
    shown = selectors.phi_shown_ids(user, ids)
    tasks = tasks_for(user, ids)
    return {
        "items": [
            serialize.ticket_out(t, views[t.pk], phi_shown=t.pk in shown, tasks=tasks.get(t.pk))
            for t in page.items
        ],
        "next_cursor": page.next_cursor,
        "among_recent": page.among,
    }


class _Refs:
    """The rows that new tickets refer to, read with one query per kind however many tickets."""

    def __init__(self, payloads: list[TicketCreateIn]) -> None:
        def ids(attr: str) -> list[int]:
            return sorted({getattr(p, attr) for p in payloads if getattr(p, attr) is not None})

        self.contacts = Contact.objects.select_related("organization").in_bulk(ids("requester_id"))
        self.categories = (
            RequestType.objects.select_related("default_team")
            .filter(active=True)
            .in_bulk(ids("category"))
        )
        self.teams = Team.objects.in_bulk(ids("team"))
        # who may be given a ticket is the service's decision (check_assignee)
        self.agents = User.objects.in_bulk(ids("assignee"))

    @staticmethod
    def get(rows: dict[int, Any], pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        if pk not in rows:
            raise ValidationFailed(
                "A referenced record does not exist.", errors={field: ["Not found."]}
            )
        return rows[pk]


def _requester_for_create(user: User, payload: TicketCreateIn, refs: _Refs) -> Contact:
    if not works_tickets(user):
        contact: Contact | None = getattr(user, "contact", None)
        if contact is None:
            raise PermissionDenied("Only requesters and agents can open tickets.")
        if payload.requester_id not in (None, contact.pk) or payload.requester is not None:
            raise ValidationFailed(
                "Requesters open tickets for themselves.",
                errors={"requester": ["You can only open tickets for yourself."]},
            )
        return contact
    if payload.requester_id is not None:
        found: Contact = refs.get(refs.contacts, payload.requester_id, "requester_id")
        return found
    if payload.requester is not None:
        contact = (
            Contact.objects.select_related("organization")
            .filter(email=payload.requester.email.lower())
            .first()
        )
        if contact is None:
            contact = requester_create(
                email=payload.requester.email,
                name=payload.requester.name,
                organization=_limit_organization(user),
            )
        return contact
    raise ValidationFailed(
        "Say who the ticket is for.", errors={"requester": ["Give requester_id or requester."]}
    )


def _limit_organization(user: User) -> Organization | None:
    """The organization a token is limited to (new requesters it names are placed there)."""
    limit = organization_limit(user)
    return None if limit is None else Organization.objects.get(pk=limit)


def _in_token_organization(user: User, contact: Contact, payload: TicketCreateIn) -> Contact:
    """A token limited to an organization opens tickets for that organization's people only."""
    limit = organization_limit(user)
    if limit is not None and contact.organization_id != limit:
        field = "requester_id" if payload.requester_id is not None else "requester"
        raise ValidationFailed(
            "This token is limited to another organization.",
            errors={field: ["Not a contact of the token's organization."]},
        )
    return contact


def _new_ticket(user: User, payload: TicketCreateIn, refs: _Refs) -> NewTicket:
    """What the service needs to open one ticket, from one request item."""
    staff = works_tickets(user)
    if not staff and (payload.team or payload.assignee):
        raise ValidationFailed(
            "Requesters cannot route tickets.",
            errors={"team" if payload.team else "assignee": ["Only agents can set this."]},
        )
    return NewTicket(
        requester=_in_token_organization(user, _requester_for_create(user, payload, refs), payload),
        subject=payload.subject,
        body=Body(text=payload.body, html=payload.body_html),
        channel=payload.channel if staff else "api",
        priority=payload.priority,
        category=refs.get(refs.categories, payload.category, "category"),
        team=refs.get(refs.teams, payload.team, "team"),
        assignee=refs.get(refs.agents, payload.assignee, "assignee"),
        tags=tuple(payload.tags) if staff else (),
        structured=payload.fields.model_dump(exclude_none=True),
        form_data=payload.form,
        uploads=_uploads(payload.attachments),
    )


def _opened_json(opened: list[services.Opened], user: User) -> list[dict[str, Any]]:
    """Answer from what was just written: the tickets, their tags and clocks are in memory."""
    views = views_of([c for o in opened for c in o.clocks])
    shown = selectors.phi_shown_ids(user, [o.ticket.pk for o in opened], just_opened=True)
    return [
        serialize.ticket_out(
            o.ticket, views.get(o.ticket.pk), tags=o.tags, phi_shown=o.ticket.pk in shown
        )
        for o in opened
    ]


@router.post(
    "/tickets",
    auth=needs_scope(TICKETS_WRITE),
    response={201: TicketOut},
    summary="Open a ticket",
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def ticket_create(request: HttpRequest, payload: TicketCreateIn) -> Status[dict[str, Any]]:
    user = _user(request)
    # One transaction: a new requester given by email is not kept if the ticket is refused.
    with transaction.atomic():
        data = _new_ticket(user, payload, _Refs([payload]))
        opened = services.tickets_open(items=[data], actor=user)
    return Status(201, _opened_json(opened, user)[0])


@router.post(
    "/tickets/batch",
    auth=needs_scope(TICKETS_WRITE),
    response={201: TicketBatchOut},
    summary="Open many tickets at once (imports, integrations)",
    description=(
        f"Opens up to {MAX_BATCH} tickets in one transaction: all of them, or none. A refusal "
        "names the item at fault, e.g. `tickets.3.subject`. Agents only."
    ),
    openapi_extra=documented(400, 401, 403, 413, 422),
)
def ticket_create_batch(request: HttpRequest, payload: TicketBatchIn) -> Status[dict[str, Any]]:
    user = _user(request)
    if not works_tickets(user):
        raise PermissionDenied("Only agents can open tickets in batches.")
    refs = _Refs(payload.tickets)
    with transaction.atomic():
        items = []
        for i, item in enumerate(payload.tickets):
            try:
                items.append(_new_ticket(user, item, refs))
            except ValidationFailed as exc:
                raise _in_batch(exc, f"tickets.{i}.") from None
        try:
            opened = services.tickets_open(items=items, actor=user)
        except ValidationFailed as exc:
            raise _in_batch(exc, "tickets.") from None
    return Status(201, {"items": _opened_json(opened, user)})


def _in_batch(exc: ValidationFailed, prefix: str) -> ValidationFailed:
    """The same refusal with its fields named inside the batch."""
    errors = {prefix + key: messages for key, messages in exc.errors.items()}
    return ValidationFailed(exc.detail, errors=errors)


@router.get(
    "/tickets/{ticket_id}",
    auth=needs_scope(TICKETS_READ),
    response=TicketOut,
    summary="Get a ticket by id",
    openapi_extra=documented(401, 404, 422),
)
def ticket_get(request: HttpRequest, ticket_id: Id) -> dict[str, Any]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    audit.tickets_read(request=request, tickets=[ticket])
    return _ticket_json(ticket.pk, user)


@router.get(
    "/tickets/by-ref/{ref}",
    auth=needs_scope(TICKETS_READ),
    response=TicketOut,
    summary="Get a ticket by reference",
    openapi_extra=documented(401, 404),
)
def ticket_get_by_ref(request: HttpRequest, ref: str) -> dict[str, Any]:
    user = _user(request)
    ticket = selectors.ticket_get_by_ref(user=user, ref=ref)
    audit.tickets_read(request=request, tickets=[ticket])
    return _ticket_json(ticket.pk, user)


@router.patch(
    "/tickets/{ticket_id}",
    auth=needs_scope(TICKETS_WRITE),
    response=TicketOut,
    summary="Change ticket fields",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def ticket_update(request: HttpRequest, ticket_id: Id, payload: TicketUpdateIn) -> dict[str, Any]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if not works_tickets(user):
        raise PermissionDenied("Only agents can change ticket fields.")
    raw = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {k: v for k, v in raw.items() if k != "fields"}
    if "team" in changes:
        changes["team"] = _lookup(Team, changes["team"], "team")
    if "assignee" in changes:
        changes["assignee"] = _lookup(User, changes["assignee"], "assignee")
    if "category" in changes:
        changes["category"] = _lookup(RequestType, changes["category"], "category")
    if "custom_status" in changes:
        changes["custom_status"] = _lookup(CustomStatus, changes["custom_status"], "custom_status")
    if payload.fields is not None:
        changes.update(payload.fields.model_dump(exclude_unset=True))
    for key in ("status", "custom_status", "priority", "tier", "tags"):
        if key in changes and changes[key] is None:
            raise ValidationFailed("A value is required.", errors={key: ["Cannot be empty."]})
    services.ticket_update(ticket=ticket, changes=changes, actor=user)
    return _ticket_json(ticket.pk, user)


@router.get(
    "/tickets/{ticket_id}/messages",
    auth=needs_scope(TICKETS_READ),
    response=list[MessageOut],
    summary="List messages",
    openapi_extra=documented(401, 404, 422),
)
def message_list(request: HttpRequest, ticket_id: Id) -> list[dict[str, Any]]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    audit.messages_read(request=request, ticket=ticket)
    return [serialize.message_out(m) for m in selectors.messages_for(user=user, ticket=ticket)]


@router.post(
    "/tickets/{ticket_id}/messages",
    auth=needs_scope(TICKETS_WRITE),
    response={201: MessageAddedOut},
    summary="Add a reply or internal note",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def message_create(
    request: HttpRequest, ticket_id: Id, payload: MessageIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if payload.status_after and not works_tickets(user):
        raise ValidationFailed(
            "Requesters cannot set the status.",
            errors={"status_after": ["Only agents can set this."]},
        )
    message = services.message_add(
        ticket=ticket,
        kind=payload.kind,
        body=Body(text=payload.body, html=payload.body_html),
        actor=user,
        uploads=_uploads(payload.attachments),
        status_after=None if payload.status_after is None else str(payload.status_after),
    )
    held = message.kind != payload.kind  # a reply hold kept the public reply for an approver
    message = selectors.messages_for(user=user, ticket=ticket).filter(pk=message.pk).get()
    return Status(201, {**serialize.message_out(message), "held": held})


# the hand-over the desk's escalation form asks for, with its words for what is missing
HANDOVER = {
    "reason": "Say why the ticket needs escalating.",
    "action_taken": "Say what you have done so far (or “nothing yet”).",
    "next_steps": "Say what the receiving team should do next.",
}


@router.post(
    "/tickets/{ticket_id}/escalate",
    auth=needs_scope(TICKETS_WRITE),
    response=TicketOut,
    summary="Escalate a ticket (as the protocol allows)",
    description=(
        "Moves the ticket to `team` (and its tier), recording why (`reason`), what was done "
        "(`action_taken`) and what is next (`next_steps`): all three are required, as on the "
        "desk, and a missing or blank one is a 422 naming it. If a protocol says not to "
        "escalate, the answer is 409 with the protocol's reason; "
        "send `override_reason` to go ahead anyway (it is recorded). Agents only."
    ),
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def ticket_escalate(request: HttpRequest, ticket_id: Id, payload: EscalateIn) -> dict[str, Any]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if not works_tickets(user):
        raise PermissionDenied("Only agents can escalate tickets.")
    said = {k: str(getattr(payload, k)).strip() for k in HANDOVER}
    missing = {k: [HANDOVER[k]] for k, v in said.items() if not v}
    if missing:
        raise ValidationFailed("The ticket could not be escalated.", errors=missing)
    team = _Refs.get(Team.objects.in_bulk([payload.team]), payload.team, "team")
    services.ticket_escalate(
        ticket=ticket,
        team=team,
        actor=user,
        reason=said["reason"],
        action_taken=said["action_taken"],
        next_steps=said["next_steps"],
        tier=payload.tier,
        override_reason=payload.override_reason,
    )
    return _ticket_json(ticket.pk, user)


@router.post(
    "/tickets/{ticket_id}/safety",
    auth=needs_scope(TICKETS_WRITE),
    response=TicketOut,
    summary="Mark, clear or review a ticket's safety",
    description=(
        "`mark` sets the ticket's safety to `outcome` (`event` or `possible`), `clear` removes "
        "it, `review` records that a clinical liaison has looked at a possible safety report. "
        "Mark and clear need a `reason` of at least 10 characters (recorded on the ticket). A "
        "clear does not silence a later customer message: the screen raises the safety again. "
        "Agents only."
    ),
    openapi_extra=documented(400, 401, 403, 404, 413, 422),
)
def ticket_safety(request: HttpRequest, ticket_id: Id, payload: SafetyIn) -> dict[str, Any]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if not works_tickets(user):
        raise PermissionDenied("Only agents can mark or clear safety.")
    safety_decide(
        ticket=ticket,
        action=payload.action,
        outcome=payload.outcome or "",
        reason=payload.reason,
        actor=user,
    )
    return _ticket_json(ticket.pk, user)


@router.get(
    "/statuses",
    auth=needs_scope(TICKETS_READ),
    response=list[CustomStatusOut],
    summary="List the desk's statuses (custom statuses and their categories)",
    openapi_extra=documented(401, 403),
)
def status_list(request: HttpRequest) -> list[dict[str, Any]]:
    if not works_tickets(_user(request)):
        raise PermissionDenied("Only agents can list the desk's statuses.")
    return [
        {
            "id": s.pk,
            "name": s.agent_label,
            "requester_name": s.requester_label,
            "description": s.description,
            "category": s.category,
            "default": s.default,
            "active": s.active,
        }
        for s in statuses_all()
    ]


def _agent_ticket(request: HttpRequest, ticket_id: int, doing: str) -> tuple[User, Ticket]:
    user = _user(request)
    ticket = selectors.ticket_get(user=user, pk=ticket_id)
    if not works_tickets(user):
        raise PermissionDenied(f"Only agents can {doing}.")
    return user, ticket


@router.post(
    "/tickets/{ticket_id}/tasks",
    auth=needs_scope(TICKETS_WRITE),
    response={201: TicketOut},
    summary="Open a task of a ticket for another team",
    description=(
        "A task is an internal ticket for `team` (same requester and organization, never shown "
        "or mailed to the requester); `instructions` become its first internal note. The ticket "
        "goes on hold until its tasks are solved, then opens again and its assignee (or team) "
        "is told. Solving a ticket with open tasks is refused (409). Agents only."
    ),
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def task_create(request: HttpRequest, ticket_id: Id, payload: TaskIn) -> Status[dict[str, Any]]:
    user, ticket = _agent_ticket(request, ticket_id, "open tasks")
    task = task_open(
        parent=ticket,
        subject=payload.subject,
        team=_lookup(Team, payload.team, "team"),
        assignee=_lookup(User, payload.assignee, "assignee"),
        instructions=payload.instructions,
        actor=user,
    )
    return Status(201, _ticket_json(task.pk, user))


def _checklist_json(ticket: Ticket) -> dict[str, Any]:
    state = checklist_state(ticket)
    return {
        "state": {**asdict(state), "complete": state.complete},
        "items": [serialize.checklist_item_out(i) for i in selectors.checklist_of(ticket)],
    }


@router.get(
    "/tickets/{ticket_id}/checklist",
    auth=needs_scope(TICKETS_READ),
    response=ChecklistOut,
    summary="A ticket's checklist",
    description=(
        "The steps in order, who did each and when, and the state other systems check: "
        "`complete` is false while a required step is open (the ticket cannot be solved). "
        "Agents only."
    ),
    openapi_extra=documented(401, 403, 404, 422),
)
def checklist_get(request: HttpRequest, ticket_id: Id) -> dict[str, Any]:
    _user_, ticket = _agent_ticket(request, ticket_id, "read checklists")
    return _checklist_json(ticket)


@router.post(
    "/tickets/{ticket_id}/checklist",
    auth=needs_scope(TICKETS_WRITE),
    response={201: ChecklistOut},
    summary="Add a step to a ticket's checklist",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def checklist_add(
    request: HttpRequest, ticket_id: Id, payload: ChecklistItemIn
) -> Status[dict[str, Any]]:
    user, ticket = _agent_ticket(request, ticket_id, "change checklists")
    checklist_item_add(ticket=ticket, text=payload.text, required=payload.required, actor=user)
    return Status(201, _checklist_json(ticket))


@router.patch(
    "/tickets/{ticket_id}/checklist/{item_id}",
    auth=needs_scope(TICKETS_WRITE),
    response=ChecklistOut,
    summary="Mark a checklist step done or not done",
    openapi_extra=documented(400, 401, 403, 404, 409, 413, 422),
)
def checklist_tick(
    request: HttpRequest, ticket_id: Id, item_id: Id, payload: ChecklistTickIn
) -> dict[str, Any]:
    user, ticket = _agent_ticket(request, ticket_id, "change checklists")
    checklist_item_tick(ticket=ticket, item_id=item_id, done=payload.done, actor=user)
    return _checklist_json(ticket)
