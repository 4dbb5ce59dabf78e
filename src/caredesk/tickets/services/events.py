"""One small builder per event type; services write them with `record` inside their transaction.

Builders return unsaved rows so a service that makes several changes writes all of its events
in one INSERT, in the order they happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import Contact, User
from caredesk.compliance.access import ticket_changes_recorded
from caredesk.core import clock
from caredesk.core.phi import PhiText
from caredesk.tickets.models import PHI_FIELDS, EventKind, Message, Ticket, TicketEvent

Actor = User | Contact | None

# The rule whose actions are being applied: events written meanwhile name it.
_rule: ContextVar[str | None] = ContextVar("caredesk_rule", default=None)


@contextmanager
def by_rule(name: str) -> Iterator[None]:
    """Attribute every event written inside to the rule `name` ("policy / rule")."""
    token = _rule.set(name)
    try:
        yield
    finally:
        _rule.reset(token)


def actor_fields(actor: Actor) -> dict[str, Any]:
    """Return the actor columns for an event or message written by `actor`."""
    if isinstance(actor, Contact):
        return {"actor_user": actor.user, "actor_contact": actor}
    if isinstance(actor, User) and not works_tickets(actor) and hasattr(actor, "contact"):
        return {"actor_user": actor, "actor_contact": actor.contact}
    return {"actor_user": actor, "actor_contact": None}


def _build(
    ticket: Ticket, kind: str, actor: Actor, rule: str | None = None, **values: Any
) -> TicketEvent:
    rule = rule or _rule.get()
    if rule is not None:
        values["data"] = {**values.get("data", {}), "rule": rule}
    return TicketEvent(
        ticket=ticket, kind=kind, created_at=clock.now(), **actor_fields(actor), **values
    )


def record(*events: TicketEvent) -> list[TicketEvent]:
    """Write events (append-only) in one statement, and the access audit's entries for the
    changes among them, in the caller's transaction; returns the events with their ids."""
    if not events:
        return []
    written = TicketEvent.objects.bulk_create(events)
    ticket_changes_recorded(written)
    return written


def created(ticket: Ticket, actor: Actor) -> TicketEvent:
    return _build(
        ticket,
        EventKind.CREATED,
        actor,
        data={
            "channel": ticket.channel,
            "priority": ticket.priority,
            "status": ticket.status,
            "team": ticket.team_id,
            "category": ticket.category_id,
            "organization": ticket.organization_id,
            "assignee": ticket.assignee_id,
            "task": ticket.parent_id is not None,
        },
    )


def field_changed(
    ticket: Ticket,
    actor: Actor,
    field: str,
    old: Any,
    new: Any,
    *,
    rule: str | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    kind = {
        "status": EventKind.STATUS_CHANGED,
        "assignee": EventKind.ASSIGNED,
        "tags": EventKind.TAGS_CHANGED,
    }.get(field, EventKind.FIELD_CHANGED)
    if field in PHI_FIELDS:  # recorded encrypted, like the field itself
        old, new = _phi(old), _phi(new)
    extra = {"data": data} if data else {}
    return _build(ticket, kind, actor, rule=rule, field=field, old=old, new=new, **extra)


def _phi(value: Any) -> Any:
    return PhiText(value) if isinstance(value, str) and value else value


def message_added(
    ticket: Ticket, actor: Actor, message: Message, *, rule: str | None = None
) -> TicketEvent:
    return _build(
        ticket,
        EventKind.MESSAGE_ADDED,
        actor,
        rule=rule,
        data={"message": message.pk, "kind": message.kind},
    )


def follower_added(ticket: Ticket, actor: Actor, follower: User) -> TicketEvent:
    return _build(ticket, EventKind.FOLLOWER_ADDED, actor, field="followers", new=follower.pk)


def escalated(ticket: Ticket, actor: Actor, data: dict[str, Any]) -> TicketEvent:
    """From team/tier, to team/tier, why, action taken, next steps, and any override."""
    return _build(ticket, EventKind.ESCALATED, actor, data=data)


def happened(ticket: Ticket, kind: str, actor: Actor, **data: Any) -> TicketEvent:
    """An event with only data (a rule applied, someone notified or paged, a tracker link)."""
    return _build(ticket, kind, actor, data=data)


# -- the service level clocks: written by the ticket services (a breach noticed on a change) and
# by the SLA sweep. Not attributed to an actor or a rule: a clock passing its instant is no one's
# action. Built from the ticket's id, as the sweep has only that; `at` is the sweep's instant.


def sla_warning(
    *,
    ticket_id: int,
    metric: str,
    fraction: float,
    due_at: datetime | None,
    when: datetime,
    at: datetime,
    label: str = "",
    subject: str = "",
) -> TicketEvent:
    """A warning fraction of a clock's target passed (at `when`; written at `at`). `label` and
    `subject` name a clock that is not one of the ticket's own (an RMA's)."""
    data: dict[str, Any] = {
        "metric": metric,
        "fraction": fraction,
        "due_at": _iso(due_at),
        "at": _iso(when),
    }
    if subject:
        data.update(label=label, subject=subject)
    return TicketEvent(ticket_id=ticket_id, kind=EventKind.SLA_WARNING, data=data, created_at=at)


def sla_breached(
    *,
    ticket_id: int,
    metric: str,
    due_at: datetime,
    at: datetime,
    label: str = "",
    subject: str = "",
) -> TicketEvent:
    """A clock passed its due instant without being met."""
    data: dict[str, Any] = {"metric": metric, "due_at": _iso(due_at)}
    if subject:
        data.update(label=label, subject=subject)
    return TicketEvent(ticket_id=ticket_id, kind=EventKind.SLA_BREACHED, data=data, created_at=at)


def rma_changed(
    ticket: Ticket, actor: Actor, *, number: str, status: str, **data: Any
) -> TicketEvent:
    """An RMA opened from this ticket was opened or changed status (the devices app's RMA
    services write it beside their own event)."""
    return _build(ticket, EventKind.RMA, actor, data={"rma": number, "status": status, **data})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- the safety screen: what it found (never the customer's words) and what agents decided.


def safety_flagged(ticket: Ticket, actor: Actor, *, finding: Any, raised_to: str) -> TicketEvent:
    """The screen found harm or a hazard in a customer's text and raised the ticket's safety."""
    return _build(
        ticket,
        EventKind.SAFETY_FLAGGED,
        actor,
        data={
            "outcome": finding.outcome,
            "safety": raised_to,
            "codes": list(finding.codes),
            "kinds": list(finding.kinds),
            "reasons": list(finding.reasons),
            "language": finding.language,
        },
    )


def safety_decided(
    ticket: Ticket, kind: str, actor: Actor, *, old: str, new: str, reason: str
) -> TicketEvent:
    """An agent marked, cleared or reviewed the ticket's safety, with a reason."""
    return _build(ticket, kind, actor, field="safety", old=old, new=new, data={"reason": reason})
