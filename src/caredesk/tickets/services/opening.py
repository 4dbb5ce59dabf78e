"""Opening tickets, one or a batch: everything is validated and routed first, then each table is
written once (tickets, messages, events, SLA clocks) whatever the number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from caredesk.accounts.models import Contact, Organization, Team, Tier, User
from caredesk.compliance import audit
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.tickets.models import (
    Channel,
    Mailbox,
    Message,
    MessageKind,
    Priority,
    RequestType,
    Status,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import events
from caredesk.tickets.services.assignment import assignment_refusal
from caredesk.tickets.services.attachments import Upload, check_uploads, store_uploads
from caredesk.tickets.services.checklists import checklists_for_new
from caredesk.tickets.services.clocks import clocks_insert, clocks_of, clocks_plan
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.messages import Body, check_body, message_new
from caredesk.tickets.services.phi import phi_answer_names, seal_answers
from caredesk.tickets.services.reactions import (
    Decision,
    routing_after_open,
    routing_decide,
    routing_messages,
)
from caredesk.tickets.services.requester_mail import notify_requester
from caredesk.tickets.services.safety import safety_screen
from caredesk.tickets.services.statuses import name_statuses
from caredesk.tickets.services.tags import set_tags_many
from caredesk.tickets.services.updates import ref_value, status_side_columns, validate_changes
from caredesk.tickets.services.validation import (
    check_assignee,
    check_structured,
    check_subject,
    clean_tags,
)


@dataclass(frozen=True)
class NewTicket:
    requester: Contact
    subject: str
    body: Body = field(default_factory=Body)
    channel: str = Channel.PORTAL
    priority: int = Priority.LEVEL3
    category: RequestType | None = None
    team: Team | None = None
    tier: int = Tier.TIER1
    assignee: User | None = None
    organization: Organization | None = None
    tags: tuple[str, ...] = ()
    structured: Mapping[str, str] = field(default_factory=dict)
    form_data: Mapping[str, Any] = field(default_factory=dict)
    uploads: tuple[Upload, ...] = ()
    received_via: Mailbox | None = None  # the mailbox mail arrived on (None: the default brand)
    parent: Ticket | None = None  # opened as a task of this ticket (services.tasks)


def _check_new(data: NewTicket) -> tuple[str, list[str], dict[str, str]]:
    """Validate a new ticket without touching the database; returns the cleaned values."""
    errors: dict[str, list[str]] = {}
    subject = check_subject(data.subject, errors)
    check_body(data.body, errors, required=False)
    tags = clean_tags(data.tags, errors)
    structured = check_structured(data.structured, errors)
    check_assignee(data.assignee, errors)
    if data.assignee is not None and not errors.get("assignee"):
        gate = assignment_refusal(data.assignee, data.category.pk if data.category else None)
        errors.update({"assignee": [gate]} if gate else {})
    if data.priority not in Priority.values:
        errors.setdefault("priority", []).append("Choose a level from 1 to 4.")
    if data.channel not in Channel.values:
        errors.setdefault("channel", []).append("Unknown channel.")
    if errors:
        raise ValidationFailed("The ticket could not be opened.", errors=errors)
    check_uploads(list(data.uploads))
    return subject, tags, structured


@dataclass(frozen=True)
class Opened:
    """A newly opened ticket with what was written beside it (for answering without re-reads)."""

    ticket: Ticket
    tags: list[str]
    clocks: list[Any]  # its service level clocks (the sla app's rows)
    message: Message | None = None  # the first message, when one was written


def ticket_open(*, data: NewTicket, actor: Actor) -> Ticket:
    """Open a ticket with its first message; writes the created event."""
    return tickets_open(items=[data], actor=actor)[0].ticket


def _new_ticket(
    data: NewTicket,
    subject: str,
    structured: dict[str, str],
    now: Any,
    phi_names: dict[int | None, frozenset[str]],
) -> Ticket:
    category = data.category
    key = category.pk if category else None
    if data.form_data and key not in phi_names:  # read once per request type in a batch
        phi_names[key] = phi_answer_names(category)
    return Ticket(
        subject=subject,
        status=Status.OPEN if data.assignee else Status.NEW,
        is_open=True,
        priority=data.priority,
        channel=data.channel,
        category=category,
        requester=data.requester,
        organization=data.organization or data.requester.organization,
        team=data.team
        or (category.default_team if category else None)
        or (data.received_via.team if data.received_via else None),
        received_via=data.received_via,
        tier=data.tier,
        assignee=data.assignee,
        parent=data.parent,
        form_data=seal_answers(data.form_data, phi_names[key]) if data.form_data else {},
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        **structured,
    )


@dataclass
class _Draft:
    """One ticket being opened, and everything written with it."""

    data: NewTicket
    ticket: Ticket
    tags: list[str]
    clocks: list[Any] = field(default_factory=list)
    message: Message | None = None
    author: Actor = None
    decision: Decision | None = None  # what the protocols decided
    written: list[TicketEvent] = field(default_factory=list)
    routed: list[TicketEvent] = field(default_factory=list)  # the protocols' field changes
    flagged: TicketEvent | None = None  # the safety screen's finding on the report
    extra: list[tuple[Message, str]] = field(default_factory=list)  # their notes and replies


def _drafts(items: list[NewTicket], now: Any) -> list[_Draft]:
    """Validate every item (naming the item, `2.subject`, when there are several)."""
    drafts = []
    errors: dict[str, list[str]] = {}
    phi_names: dict[int | None, frozenset[str]] = {}
    for i, data in enumerate(items):
        try:
            subject, tags, structured = _check_new(data)
        except ValidationFailed as exc:
            if len(items) == 1:
                raise
            errors.update({f"{i}.{key}": msgs for key, msgs in exc.errors.items()})
            continue
        ticket = _new_ticket(data, subject, structured, now, phi_names)
        drafts.append(_Draft(data, ticket, tags))
    if errors:
        raise ValidationFailed("Some tickets could not be opened.", errors=errors)
    return drafts


def tickets_open(*, items: list[NewTicket], actor: Actor) -> list[Opened]:
    """Open tickets (one, or a batch from an import): all or none.

    Every item is validated first, and the protocols decide how each is routed before anything
    is written. Then one transaction writes the tickets (as routed), their messages (the first
    one, and the protocols' notes and canned replies), all their events (created as sent, then
    each rule's change) and their SLA clocks, one INSERT per table whatever the number; the
    protocols' remaining actions (escalations, notifications, integrations) follow. The access
    audit's entries for all of it are appended last, together (`audit.deferred`), so the
    chain's lock is held only until the commit.
    """
    now = clock.now()
    drafts = _drafts(items, now)
    _prepare(drafts, actor, now)
    # Validation is done: no savepoint is needed inside a caller's transaction.
    with transaction.atomic(savepoint=False), audit.deferred():
        _insert(drafts, actor)
        touched = _after_insert(drafts)
    opened = [
        Opened(ticket=d.ticket, tags=d.tags, clocks=d.clocks, message=d.message) for d in drafts
    ]
    return _reread(opened, touched) if touched else opened


def _prepare(drafts: list[_Draft], actor: Actor, now: Any) -> None:
    """First messages, the protocols' routing (applied before insert), then the SLA clocks."""
    for d in drafts:
        if not d.data.body.empty or d.data.uploads:
            d.author = actor if actor is not None else d.data.requester
            d.message = message_new(d.ticket, MessageKind.PUBLIC, d.data.body, d.author)
        d.ticket._opening_tags = d.tags  # type: ignore[attr-defined]  # read by add_tags
        # the report is screened before the protocols decide, so they see its safety
        report = "\n".join([d.ticket.subject, d.message.body_text if d.message else ""])
        if d.data.parent is None:  # a task is the desk's own words, not a customer's report
            d.flagged = safety_screen(d.ticket, report, d.author or actor)
    decided = routing_decide(
        drafts=[(d.ticket, d.message.body_text if d.message else "", d.tags) for d in drafts]
    )
    for d, decision in zip(drafts, decided, strict=True):
        d.decision = decision
        d.written = [events.created(d.ticket, actor)]  # the ticket as it was sent
        if d.flagged is not None:
            d.written.append(d.flagged)
        if decision is not None:
            d.routed = _route_new(d, decision.changes, decision.via, now)
    planned = clocks_plan(tickets=[d.ticket for d in drafts], now=now)
    for d, clocks in zip(drafts, planned, strict=True):
        d.clocks = clocks


def _insert(drafts: list[_Draft], actor: Actor) -> None:
    """One INSERT per table for all the drafts."""
    name_statuses([d.ticket for d in drafts])
    Ticket.objects.bulk_create([d.ticket for d in drafts])
    listed = checklists_for_new([d.ticket for d in drafts], actor)
    set_tags_many([(d.ticket, d.tags) for d in drafts if d.tags])
    for d in drafts:  # now that references exist, the protocols' notes and replies
        if d.decision is not None:
            d.extra = [
                (message_new(d.ticket, kind, Body(text=text), None), rule)
                for kind, text, rule in routing_messages(ticket=d.ticket, decided=d.decision)
            ]
    Message.objects.bulk_create(
        [d.message for d in drafts if d.message] + [m for d in drafts for m, _r in d.extra]
    )
    for d in drafts:
        if d.message is not None:
            if d.data.uploads:
                store_uploads(d.ticket, d.message, list(d.data.uploads))
            d.written.append(events.message_added(d.ticket, d.author, d.message))
        d.written += d.routed
        d.written += [events.message_added(d.ticket, None, m, rule=r) for m, r in d.extra]
    events.record(*[e for d in drafts for e in d.written], *listed)
    clocks_insert([c for d in drafts for c in d.clocks])


def _after_insert(drafts: list[_Draft]) -> set[int]:
    """Mail for canned replies, then the protocols' other actions; the tickets they touched."""
    touched = set()
    for d in drafts:
        for message, _rule in d.extra:
            if message.kind == MessageKind.PUBLIC:
                notify_requester(d.ticket, message)
        if d.decision is not None:
            routing_after_open(ticket=d.ticket, decided=d.decision)
            if d.decision.others:
                touched.add(d.ticket.pk)
    return touched


def _route_new(
    d: _Draft, changes: Mapping[str, Any], via: Mapping[str, str], now: Any
) -> list[TicketEvent]:
    """Apply the protocols' field changes to a ticket before it is inserted; their events."""
    errors = validate_changes(d.ticket, changes)
    changes = dict(changes)
    if changes.get("assignee") and "status" not in changes and d.ticket.status == Status.NEW:
        changes["status"] = Status.OPEN  # someone owns it now, as when an agent assigns it
    written = []
    for key, new in changes.items():
        if key in errors:  # a rule asked for something impossible; the ticket still opens
            continue
        if key == "tags":
            tags = clean_tags(list(new or []), {})
            if tags != d.tags:
                written.append(
                    events.field_changed(d.ticket, None, "tags", d.tags, tags, rule=via.get(key))
                )
                d.tags = tags
            continue
        old = getattr(d.ticket, key)
        if ref_value(old) == ref_value(new):
            continue
        setattr(d.ticket, key, new)
        written.append(
            events.field_changed(
                d.ticket, None, key, ref_value(old), ref_value(new), rule=via.get(key)
            )
        )
        if key == "status":
            status_side_columns(d.ticket, new, now)
    return written


def _reread(opened: list[Opened], ids: set[int]) -> list[Opened]:
    """The tickets rules changed, as they are now (three queries, however many)."""
    fresh = Ticket.objects.select_related(
        "requester", "organization", "team", "assignee", "category", "custom_status"
    ).in_bulk(ids)
    tags: dict[int, list[str]] = {}
    for ticket_id, name in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag__name"
    ):
        tags.setdefault(ticket_id, []).append(name)
    clocks = clocks_of(ids)
    return [
        Opened(
            ticket=fresh[o.ticket.pk],
            tags=tags.get(o.ticket.pk, []),
            clocks=clocks.get(o.ticket.pk, []),
            message=o.message,
        )
        if o.ticket.pk in ids
        else o
        for o in opened
    ]
