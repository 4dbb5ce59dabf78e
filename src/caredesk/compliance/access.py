"""What was seen: the audit entries for reads of tickets, their messages and their files.

Views and API handlers call these after they authorised the read; changes are recorded by the
ticket services' event writer (`ticket_changes_recorded`), in the change's own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.http import HttpRequest

from caredesk.compliance.audit import Access, record, record_many
from caredesk.compliance.models import AuditAction

# Ticket columns holding health information, named in entries when a read showed them.
STRUCTURED_PHI = ("patient_id", "clinician_id", "encounter_id", "device_serial")
# What every ticket read shows.
ALWAYS_SHOWN = ("requester", "subject")


def fields_shown(ticket: Any, *, messages: bool) -> list[str]:
    """The names (never the values) of the ticket's fields a read showed."""
    shown = [*ALWAYS_SHOWN, *(f for f in STRUCTURED_PHI if getattr(ticket, f, ""))]
    if getattr(ticket, "form_data", None):
        shown.append("form_data")
    if messages:
        shown.append("messages")
    return shown


def _access(ticket: Any, action: str, fields: Sequence[str]) -> Access:
    return Access(
        action,
        "ticket",
        ticket.pk,
        ticket_id=ticket.pk,
        organization_id=ticket.organization_id,
        fields=fields,
    )


def ticket_viewed(*, request: HttpRequest, ticket: Any, from_search: bool = False) -> None:
    """A ticket page was shown (opened from search results, or otherwise)."""
    action = AuditAction.TICKET_OPENED_FROM_SEARCH if from_search else AuditAction.TICKET_VIEWED
    record_many(
        accesses=[_access(ticket, action, fields_shown(ticket, messages=True))], request=request
    )


def tickets_read(*, request: HttpRequest, tickets: Iterable[Any], messages: bool = False) -> None:
    """Tickets were read through the API: one entry per ticket (one INSERT for a page)."""
    accesses = [
        _access(t, AuditAction.TICKET_READ_API, fields_shown(t, messages=messages)) for t in tickets
    ]
    record_many(accesses=accesses, request=request)


def tickets_exported(
    *, request: HttpRequest, tickets: Sequence[Any], fields: Sequence[str]
) -> None:
    """Tickets left the desk in an export: one entry per ticket, written before the file goes
    out (in INSERTs of a thousand)."""
    for start in range(0, len(tickets), 1000):
        accesses = [
            _access(t, AuditAction.TICKET_EXPORTED, fields) for t in tickets[start : start + 1000]
        ]
        record_many(accesses=accesses, request=request)


def messages_read(*, request: HttpRequest, ticket: Any) -> None:
    """A ticket's conversation was read through the API."""
    record_many(
        accesses=[_access(ticket, AuditAction.TICKET_READ_API, ["messages"])], request=request
    )


def attachment_downloaded(*, request: HttpRequest, attachment: Any, ticket: Any) -> None:
    record(
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        request=request,
        object_type="attachment",
        object_id=attachment.pk,
        ticket_id=ticket.pk,
        organization_id=ticket.organization_id,
        fields=["file"],
    )


# Event kinds that change what a ticket holds, and the field each touches when it names none.
_CHANGE_FIELDS = {
    "created": "ticket",
    "field_changed": "",
    "status_changed": "status",
    "assigned": "assignee",
    "tags_changed": "tags",
    "message_added": "messages",
    "follower_added": "followers",
    "escalated": "team",
    "tracker_linked": "tracker_issues",
    "woke": "wake_at",
}


def _event_fields(event: Any) -> list[str]:
    if event.kind == "created":
        return ["ticket", "subject", "requester", "messages"]
    if event.kind == "escalated":
        return ["team", "tier"]
    return [event.field or _CHANGE_FIELDS[event.kind]]


def ticket_changes_recorded(events: Sequence[Any]) -> None:
    """One entry per ticket and actor for ticket events that changed something."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(
        lambda: {"fields": set(), "ticket": None, "created": False, "rule": ""}
    )
    for event in events:
        if event.kind not in _CHANGE_FIELDS:
            continue
        actor = event.actor_user
        key = (actor.pk if actor else None, event.actor_contact_id, event.ticket_id)
        group = grouped[key]
        group.update(ticket=event.ticket, actor=actor, rule=group["rule"] or _rule_of(event))
        group["created"] = group["created"] or event.kind == "created"
        group["fields"].update(_event_fields(event))
    by_actor: dict[tuple[Any, ...], list[Access]] = defaultdict(list)
    actors: dict[tuple[Any, ...], Any] = {}
    for (actor_pk, contact_pk, _ticket_pk), group in grouped.items():
        ticket = group["ticket"]
        action = AuditAction.TICKET_CREATED if group["created"] else AuditAction.TICKET_CHANGED
        access = _access(ticket, action, sorted(group["fields"]))
        if group["rule"]:
            access = replace(access, reason=f"rule: {group['rule']}"[:200])
        by_actor[(actor_pk, contact_pk)].append(access)
        actors[(actor_pk, contact_pk)] = group["actor"]
    for (actor_pk, contact_pk), accesses in by_actor.items():
        # a requester without an account (mail, the public form) is named by their role only
        role = "requester" if actor_pk is None and contact_pk is not None else None
        record_many(accesses=accesses, actor=actors[(actor_pk, contact_pk)], role=role)


def _rule_of(event: Any) -> str:
    data = event.data if isinstance(event.data, dict) else {}
    return str(data.get("rule") or "")


def audit_searched(
    *, request: HttpRequest, filters_used: Sequence[str], scope: str = "", exported: bool = False
) -> None:
    """The audit was searched or exported; the filters' names are kept, never their values
    (a patient ID is health data)."""
    record(
        action=AuditAction.AUDIT_EXPORTED if exported else AuditAction.AUDIT_VIEWED,
        request=request,
        object_type="audit",
        object_id=scope,
        fields=filters_used,
    )


def signed_in(*, request: Any = None, user: Any = None, **_: Any) -> None:
    """A completed sign-in (after the second step, for staff)."""
    record(
        action=AuditAction.SIGNED_IN,
        actor=user,
        request=request,
        object_type="user",
        object_id=getattr(user, "pk", ""),
    )


def signed_out(*, request: Any = None, user: Any = None, **_: Any) -> None:
    """A sign-out: asked for, or a session the session rules ended (idle, too old)."""
    if user is not None and getattr(user, "is_authenticated", False):
        record(
            action=AuditAction.SIGNED_OUT,
            actor=user,
            request=request,
            object_type="user",
            object_id=user.pk,
        )


def outbox_replayed(replayed: Sequence[Any], actor: Any) -> None:
    """Given-up deliveries queued again send data out once more: who did it, and which (the
    outbox's replay listener; in the replay's transaction). `actor` None: the command line."""
    accesses = [
        Access(
            AuditAction.OUTBOX_REPLAYED,
            "outbox item",
            item.item_id,
            ticket_id=item.ticket_id,
            fields=[item.kind],
        )
        for item in replayed
    ]
    if accesses:
        role = None if actor is not None else "command line"
        record_many(accesses=accesses, actor=actor, role=role)
