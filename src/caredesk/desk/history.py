"""A ticket's history in words: what changed, from what to what, naming teams, people, levels
and statuses as the desk shows them (never field names or row ids), and the latest escalation
pinned for the team that received it.

The names are looked up for all the events of a page at once (a query per kind of name), so the
ticket page's query count does not grow with its history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from caredesk.accounts.models import Team, Tier, User
from caredesk.sla.models import Metric
from caredesk.tickets.models import (
    PHI_FIELDS,
    Channel,
    EventKind,
    RequestType,
    Status,
    StatusCategory,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.pure import Level

NOBODY = "nobody"
NONE = "none"

FIELD_LABELS = {
    "status": "Status",
    "priority": "Level",
    "team": "Team",
    "tier": "Tier",
    "assignee": "Assignee",
    "category": "Request type",
    "tags": "Tags",
    "patient_id": "Patient ID",
    "clinician_id": "Clinician ID",
    "encounter_id": "Encounter ID",
    "device_serial": "Device serial",
    "os": "Operating system",
    "browser": "Browser",
    "network": "Network",
    "safety": "Safety",
}


@dataclass(frozen=True)
class Names:
    """The names behind the ids an event records."""

    teams: Mapping[int, str] = field(default_factory=dict)
    people: Mapping[int, str] = field(default_factory=dict)
    types: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """One history line: when, who, and what happened in words."""

    at: datetime
    who: str
    by_rule: bool
    text: str


@dataclass(frozen=True)
class Handover:
    """The latest escalation, as the receiving team reads it."""

    at: datetime
    who: str
    from_team: str
    to_team: str
    from_tier: str
    to_tier: str
    reason: str
    action_taken: str
    next_steps: str
    blocked_by: str
    override_reason: str


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _level(value: Any) -> str:
    number = _int(value)
    try:
        return Level(number).short if number is not None else NONE
    except ValueError:
        return str(value)


def _choice(choices: type[Any], value: Any, empty: str = NONE) -> str:
    if value in (None, ""):
        return empty
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _named(names: Mapping[int, str], value: Any, empty: str, gone: str) -> str:
    number = _int(value)
    if number is None:
        return empty
    return names.get(number, gone)


def _instant(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return NONE
    return f"{timezone.localtime(moment):%a %d %b, %H:%M %Z}"


def _tier(value: Any, _names: Names) -> str:
    number = _int(value)
    return _choice(Tier, number) if number is not None else NONE


_VALUES: dict[str, Callable[[Any, Names], str]] = {
    "status": lambda v, _n: _choice(Status, v),
    "priority": lambda v, _n: _level(v),
    "tier": _tier,
    "team": lambda v, n: _named(n.teams, v, "no team", "a removed team"),
    "assignee": lambda v, n: _named(n.people, v, NOBODY, "a removed person"),
    "category": lambda v, n: _named(n.types, v, NONE, "a removed request type"),
    "wake_at": lambda v, _n: _instant(v),
}


def value_in_words(name: str, value: Any, names: Names) -> str:
    """One recorded value of a field as the desk names it."""
    if name in _VALUES:
        return _VALUES[name](value, names)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or NONE
    return str(value) if value not in (None, "") else NONE


def _tags(old: Any, new: Any) -> str:
    before, after = set(old or []), set(new or [])
    parts = []
    if after - before:
        parts.append("added " + ", ".join(sorted(after - before)))
    if before - after:
        parts.append("removed " + ", ".join(sorted(before - after)))
    return "Tags: " + ("; ".join(parts) or "unchanged")


_CHANGES: dict[str, Callable[[Any, Any, Names], str]] = {
    "tags": lambda old, new, _n: _tags(old, new),
    "guidance": lambda _o, new, _n: (
        "Protocol guidance updated" if new else "Protocol guidance removed"
    ),
    "escalation_block": lambda _o, new, _n: (
        "Protocol: not to be escalated" if new else "Protocol no longer blocks escalation"
    ),
    "wake_at": lambda _o, new, _n: f"Queued until {_instant(new)}" if new else "Back in the queue",
}


def change_in_words(name: str, old: Any, new: Any, names: Names) -> str:
    """'Level: Normal → High'; health information is named, never shown."""
    if name in _CHANGES:
        return _CHANGES[name](old, new, names)
    if name in PHI_FIELDS:
        return f"{FIELD_LABELS[name]} changed (health information, not shown here)"
    if name.startswith("form."):
        return f"Answer to “{name.removeprefix('form.')}” changed"
    label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    return f"{label}: {value_in_words(name, old, names)} → {value_in_words(name, new, names)}"


def _rma(data: Mapping[str, Any]) -> str:
    number, status = data.get("rma", "An RMA"), str(data.get("status", ""))
    text = f"{number} opened" if data.get("opened") else f"{number} is now {status}"
    if data.get("reason"):
        text += f" ({data['reason']})"
    return text


def _metric(value: Any) -> str:
    return _choice(Metric, value, "A service-level clock")


def _escalated(data: Mapping[str, Any], names: Names) -> str:
    text = (
        f"Escalated from {value_in_words('team', data.get('from_team'), names)} "
        f"to {value_in_words('team', data.get('to_team'), names)} "
        f"({value_in_words('tier', data.get('to_tier'), names)})"
    )
    return text + (" overriding the protocol" if data.get("override_reason") else "")


def _rule_applied(data: Mapping[str, Any]) -> str:
    text = f"Rule “{data.get('name', '')}”"
    return text + (f" could not run: {data['error']}" if data.get("error") else " applied")


def _change(e: TicketEvent, n: Names) -> str:
    labels = (e.data or {}).get("labels")
    if e.field == "status" and isinstance(labels, list) and len(labels) == 2:
        return f"Status: {_status(labels[0], e.old)} → {_status(labels[1], e.new)}"
    return change_in_words(e.field, e.old, e.new, n)


def _status(label: Any, category: Any) -> str:
    """A custom status with its category when the names differ: "Awaiting lab (Pending)"."""
    try:
        kind = str(StatusCategory(category).label)
    except ValueError:
        return str(label)
    return str(label) if str(label) == kind else f"{label} ({kind})"


def _task_opened(e: TicketEvent) -> str:
    d = e.data or {}
    if e.ticket_id == d.get("parent"):
        return f"Task {d.get('task_ref', '')} opened for {d.get('team', 'another team')}"
    return f"Opened as a task of {d.get('parent_ref', '')} for {d.get('team', 'another team')}"


def _task_finished(e: TicketEvent) -> str:
    d = e.data or {}
    status = _choice(Status, d.get("status"), "done").lower()
    return f"Task {d.get('task_ref', '')} {status}: no task left open, the wait is over"


def _checklist(e: TicketEvent) -> str:
    d = e.data or {}
    if e.kind == EventKind.CHECKLIST_TICKED:
        return f"Checklist: “{d.get('text', '')}” {'done' if d.get('done') else 'not done'}"
    if d.get("action") == "applied":
        count = d.get("count", 0)
        return f"Checklist “{d.get('name', '')}” applied ({count} step{'s' if count != 1 else ''})"
    required = " (required)" if d.get("required") else ""
    return f"Checklist step added: “{d.get('text', '')}”{required}"


_EVENTS: dict[str, Callable[[TicketEvent, Names], str]] = {
    EventKind.FIELD_CHANGED: _change,
    EventKind.STATUS_CHANGED: _change,
    EventKind.ASSIGNED: _change,
    EventKind.TAGS_CHANGED: lambda e, _n: _tags(e.old, e.new),
    EventKind.CREATED: lambda e, _n: (
        f"Opened via {_choice(Channel, (e.data or {}).get('channel'), 'the desk')}"
    ),
    EventKind.MESSAGE_ADDED: lambda e, _n: (
        "Added an internal note" if (e.data or {}).get("kind") == "internal" else "Added a reply"
    ),
    EventKind.ESCALATED: lambda e, n: _escalated(e.data or {}, n),
    EventKind.FOLLOWER_ADDED: lambda e, n: (
        f"Follower added: {_named(n.people, e.new, NOBODY, 'a removed person')}"
    ),
    EventKind.SLA_WARNING: lambda e, _n: (
        f"{(e.data or {}).get('label') or _metric((e.data or {}).get('metric'))} due soon "
        f"(by {_instant((e.data or {}).get('due_at'))})"
    ),
    EventKind.SLA_BREACHED: lambda e, _n: (
        f"{(e.data or {}).get('label') or _metric((e.data or {}).get('metric'))} late: "
        f"was due by {_instant((e.data or {}).get('due_at'))}"
    ),
    EventKind.RULE_APPLIED: lambda e, _n: _rule_applied(e.data or {}),
    EventKind.MERGED_INTO: lambda e, _n: f"Merged into {(e.data or {}).get('ref', '')}",
    EventKind.MERGED_IN: lambda e, _n: (
        f"{(e.data or {}).get('ref', 'A ticket')} merged in "
        f"({(e.data or {}).get('messages', 0)} messages)"
    ),
    EventKind.CC_ADDED: lambda e, _n: f"Put in copy: {(e.data or {}).get('email', '')}",
    EventKind.CC_REMOVED: lambda e, _n: f"Taken out of copy: {(e.data or {}).get('email', '')}",
    EventKind.TASK_OPENED: lambda e, _n: _task_opened(e),
    EventKind.TASK_FINISHED: lambda e, _n: _task_finished(e),
    EventKind.CHECKLIST_TICKED: lambda e, _n: _checklist(e),
    EventKind.CHECKLIST_CHANGED: lambda e, _n: _checklist(e),
    EventKind.RMA: lambda e, _n: _rma(e.data or {}),
}


def event_in_words(event: TicketEvent, names: Names) -> str:
    """What one event says, in the desk's words."""
    if event.kind in _EVENTS:
        return _EVENTS[event.kind](event, names)
    if event.field == "safety" and event.kind != EventKind.SAFETY_FLAGGED:
        return f"{event.get_kind_display()}: {event.old or NONE} → {event.new or NONE}"
    return str(event.get_kind_display())


def _ids(events: Iterable[TicketEvent]) -> tuple[set[int], set[int], set[int]]:
    teams: set[int] = set()
    people: set[int] = set()
    types: set[int] = set()
    for e in events:
        data = e.data or {}
        pair = (e.old, e.new)
        if e.field == "team":
            teams.update(v for v in map(_int, pair) if v is not None)
        elif e.field in ("assignee", "followers"):
            people.update(v for v in map(_int, pair) if v is not None)
        elif e.field == "category":
            types.update(v for v in map(_int, pair) if v is not None)
        if e.kind == EventKind.ESCALATED:
            teams.update(v for v in map(_int, (data.get("from_team"), data.get("to_team"))) if v)
    return teams, people, types


def names_for(events: Iterable[TicketEvent]) -> Names:
    """The names of the teams, people and request types the events mention (a query each)."""
    teams, people, types = _ids(events)
    return Names(
        teams=dict(Team.objects.filter(pk__in=teams).values_list("pk", "name")) if teams else {},
        people={u.pk: str(u) for u in User.objects.filter(pk__in=people)} if people else {},
        types=(
            dict(RequestType.objects.filter(pk__in=types).values_list("pk", "name"))
            if types
            else {}
        ),
    )


def history_lines(events: list[TicketEvent]) -> list[Line]:
    """The events as lines a person reads."""
    names = names_for(events)
    return [
        Line(
            at=e.created_at,
            who=str((e.data or {}).get("rule") or e.actor_name),
            by_rule=bool((e.data or {}).get("rule")),
            text=event_in_words(e, names),
        )
        for e in events
    ]


def latest_handover(ticket: Ticket) -> Handover | None:
    """The ticket's latest escalation: who sent it, why, what was done, what is next."""
    event = (
        ticket.events.filter(kind=EventKind.ESCALATED)
        .select_related("actor_user", "actor_contact")
        .order_by("-id")
        .first()
    )
    if event is None:
        return None
    data = event.data or {}
    names = names_for([event])
    return Handover(
        at=event.created_at,
        who=str(data.get("rule") or event.actor_name),
        from_team=value_in_words("team", data.get("from_team"), names),
        to_team=value_in_words("team", data.get("to_team"), names),
        from_tier=value_in_words("tier", data.get("from_tier"), names),
        to_tier=value_in_words("tier", data.get("to_tier"), names),
        reason=str(data.get("reason", "")),
        action_taken=str(data.get("action_taken", "")),
        next_steps=str(data.get("next_steps", "")),
        blocked_by=str(data.get("blocked_by", "")),
        override_reason=str(data.get("override_reason", "")),
    )
