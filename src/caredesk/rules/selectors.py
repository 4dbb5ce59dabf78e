"""Reads for the rules: the compiled active policies (a per-process snapshot) and the facts of
a ticket as the conditions see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from caredesk.core.confcache import cached
from caredesk.rules.conditions import ConditionError, Facts, HistoryItem
from caredesk.rules.engine import CompiledPolicy, compile_rules, compile_scope
from caredesk.rules.models import Macro, Policy
from caredesk.sla.selectors import business_calendar
from caredesk.sla.selectors import snapshot as sla_snapshot
from caredesk.tickets.models import (
    STRUCTURED_FIELDS,
    Mailbox,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services.statuses import status_by_id

HISTORY_DAYS = 90  # how far back history conditions can look
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class RulesSnapshot:
    policies: tuple[CompiledPolicy, ...]
    errors: dict[str, str]  # policy name -> why it could not be compiled (it is skipped)
    macros: dict[str, Macro]
    # mailbox id -> (address, brand); None -> the default mailbox's (the brand of tickets that
    # did not arrive by mail on one of the mailboxes)
    mailboxes: dict[int | None, tuple[str, str]] = field(default_factory=dict)


def _load() -> RulesSnapshot:
    compiled, errors = [], {}
    for policy in Policy.objects.filter(active=True).order_by("position", "id"):
        try:
            compiled.append(
                CompiledPolicy(
                    policy.name, tuple(compile_rules(policy.rules)), compile_scope(policy.scope)
                )
            )
        except ConditionError as exc:  # saved documents are validated; a bad one is skipped
            errors[policy.name] = str(exc)
    # personal macros are their owner's alone: the protocols name only shared ones
    macros = {m.slug: m for m in Macro.objects.filter(active=True, owner__isnull=True)}
    mailboxes: dict[int | None, tuple[str, str]] = {}
    for pk, address, brand, default in Mailbox.objects.values_list(
        "pk", "address", "brand", "is_default"
    ):
        mailboxes[pk] = (address, brand)
        if default:
            mailboxes[None] = (address, brand)
    return RulesSnapshot(
        policies=tuple(compiled), errors=errors, macros=macros, mailboxes=mailboxes
    )


def rules_snapshot() -> RulesSnapshot:
    return cached("rules", _load)


def calendars() -> dict[str, Any]:
    """Every SLA calendar by name, as pure calendars the conditions can ask `is_open`."""
    # A calendar edited in another process reaches rules within seconds (as it reaches badges);
    # the SLA writer itself re-checks before timing a clock.
    config = sla_snapshot(for_display=True)
    return {c.name: business_calendar(c) for c in config.calendars.values()}


def ticket_facts(
    ticket: Ticket,
    now: datetime,
    *,
    changed: frozenset[str] = frozenset(),
    escalate_to: str = "",
    body: str | None = None,
    tags: list[str] | None = None,
    history: tuple[HistoryItem, ...] | None = None,
    mailboxes: dict[int | None, tuple[str, str]] | None = None,
) -> Facts:
    """The facts rules see for `ticket`: its fields, first message, requester, history.

    Callers that already hold the body, tags, history or the mailboxes (a batch being opened,
    the rules service with its snapshot) pass them."""
    if body is None:
        first = (
            Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC)
            .order_by("created_at", "id")
            .values_list("body_text", flat=True)
            .first()
        )
        body = first or ""
    fields: dict[str, Any] = {f: getattr(ticket, f) for f in STRUCTURED_FIELDS}
    fields.update({str(k): v for k, v in (ticket.form_data or {}).items()})
    org = ticket.organization
    if mailboxes is None:
        mailboxes = rules_snapshot().mailboxes
    mailbox, brand = mailboxes.get(ticket.received_via_id) or mailboxes.get(None) or ("", "")
    # the name as of a few seconds ago at worst (a rename made in this process shows at once)
    custom = status_by_id(ticket.custom_status_id, max_age=5.0)
    return Facts(
        now=now,
        subject=ticket.subject,
        body=body,
        channel=ticket.channel,
        category=ticket.category.slug if ticket.category else "",
        priority=ticket.priority,
        status=ticket.status,
        custom_status=custom.agent_label if custom is not None else "",
        status_since=ticket.status_changed_at or ticket.created_at,
        team=ticket.team.slug if ticket.team else "",
        tier=ticket.tier,
        assignee=ticket.assignee.email if ticket.assignee else "",
        organization=org.name if org else "",
        plan=org.plan if org else "",
        requester_type=ticket.requester.kind,
        mailbox=mailbox,
        brand=brand,
        tags=frozenset(tags if tags is not None else (t.name for t in ticket.tags.all())),
        fields=fields,
        history=history if history is not None else _history(ticket, now),
        calendars=calendars(),
        changed=changed,
        escalate_to=escalate_to,
        safety=ticket.safety,
        safety_codes=frozenset(ticket.safety_codes or ()),
        safety_flagged_at=ticket.safety_flagged_at,
        safety_reviewed=ticket.safety_reviewed_at is not None,
    )


def _history(ticket: Ticket, now: datetime) -> tuple[HistoryItem, ...]:
    """This ticket's own events, and other recent tickets of the same requester or device."""
    own = [
        HistoryItem(at=e.created_at, type=e.kind, data=e.data or {})
        for e in TicketEvent.objects.filter(ticket=ticket).order_by("-id")[:HISTORY_LIMIT]
    ]
    return tuple(own) + related_history([ticket], now)[0]


def related_history(tickets: list[Ticket], now: datetime) -> list[tuple[HistoryItem, ...]]:
    """For each ticket (in order; it may not be saved yet), the other recent tickets of its
    requester or its device (one query)."""
    requesters = {t.requester_id for t in tickets}
    serials = {t.device_serial for t in tickets if t.device_serial}
    same = Q(requester_id__in=requesters)
    if serials:
        same |= Q(device_serial__in=serials)
    rows = list(
        Ticket.objects.filter(same, created_at__gte=now - timedelta(days=HISTORY_DAYS))
        .order_by("-created_at")
        .values("pk", "created_at", "device_serial", "requester_id", "category__slug")[
            : HISTORY_LIMIT * len(tickets)
        ]
    )
    out = []
    for t in tickets:
        out.append(
            tuple(
                HistoryItem(
                    at=o["created_at"],
                    type="ticket",
                    data={
                        "ticket": o["pk"],
                        "device_serial": o["device_serial"],
                        "requester": o["requester_id"],
                        "category": o["category__slug"] or "",
                    },
                )
                for o in rows
                if o["pk"] != t.pk
                and (
                    o["requester_id"] == t.requester_id
                    or (t.device_serial and o["device_serial"] == t.device_serial)
                )
            )[:HISTORY_LIMIT]
        )
    return out
