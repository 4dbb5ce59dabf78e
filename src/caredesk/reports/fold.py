"""Replaying ticket events onto a ticket's facts: what each event adds to the rollups.

Pure: an event and the ticket's facts go in, the facts are changed in place and the effects
come out. Every figure is attributed to the ticket as it was when the event happened (its team,
assignee, channel, category, organization and level then), on the day the event happened.

Definitions (docs/reports.md):
- created: a ticket opened (tasks, a ticket's internal child tickets, are left out of every
  figure);
- solved: an open ticket moved to solved or closed, unless it was merged into another one
  (counted as merged); resolution time is from opening to that solve;
- reopened: a solved or closed ticket moved back to an open status;
- first-contact resolution: the ticket's first solve, with at most one public reply by an
  agent before it; a later reopen takes it back from the day it was counted on;
- first response: the first public reply written by an agent, and the time since opening;
- solved within SLA: a solve with no breach of the ticket's own clocks before it;
- open_delta: +1 when a ticket opens or reopens, -1 when it is solved, closed or merged, and a
  move between teams, agents or levels while open takes it from one row to the other; the
  backlog on a day is the sum of every earlier day's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OPEN_STATUSES = frozenset({"new", "open", "pending", "on_hold"})
DONE_STATUSES = frozenset({"solved", "closed"})

METRICS = (
    "created",
    "solved",
    "reopened",
    "fcr",
    "merged",
    "open_delta",
    "first_responses",
    "first_response_seconds",
    "resolution_seconds",
    "solved_in_sla",
    "breaches",
    "escalations",
    "agent_replies",
    "customer_messages",
    "safety_flagged",
)

# the metrics whose tickets a dashboard lists when a figure is opened (one row per ticket each)
LISTED = frozenset(
    {"created", "solved", "reopened", "fcr", "first_responses", "breaches", "escalations",
     "safety_flagged", "solved_in_sla"}
)  # fmt: skip

# the fields a ticket's figures are grouped by, in the rollups' key order
DIMENSIONS = ("team", "agent", "channel", "category", "organization", "level")
Dims = tuple[int, int, str, int, int, int]
# the field a change event names -> its place in Dims
_CHANGED = {"team": 0, "assignee": 1, "channel": 2, "category": 3, "organization": 4, "priority": 5}


@dataclass(frozen=True)
class Event:
    id: int
    ticket_id: int
    kind: str
    field: str
    old: Any
    new: Any
    data: dict[str, Any]
    by_agent: bool  # written by someone who works tickets (not a contact, not the desk itself)
    by_contact: bool
    at: datetime


@dataclass
class Facts:
    """What the replay must remember about one ticket between events."""

    ticket_id: int
    created_at: datetime
    dims: Dims
    task: bool = False
    is_open: bool = True
    merged: bool = False
    responded: bool = False
    agent_replies: int = 0
    solves: int = 0
    breached: bool = False
    flagged: bool = False
    fcr_at: datetime | None = None  # when the first-contact resolution was counted
    fcr_dims: Dims | None = None


@dataclass(frozen=True)
class Effect:
    metric: str
    at: datetime
    dims: Dims
    value: int = 1


@dataclass
class Outcome:
    effects: list[Effect] = field(default_factory=list)
    retract_fcr: bool = False  # the ticket's counted first-contact resolution is taken back

    def add(self, metric: str, at: datetime, dims: Dims, value: int = 1) -> None:
        self.effects.append(Effect(metric, at, dims, value))


def _id(value: Any) -> int:
    """A reference as the rollups key it: 0 for none."""
    if value in (None, "", False):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def facts_opened(ticket_id: int, data: dict[str, Any], at: datetime) -> Facts:
    """A ticket's facts from its `created` event's data."""
    dims: Dims = (
        _id(data.get("team")),
        _id(data.get("assignee")),
        str(data.get("channel") or ""),
        _id(data.get("category")),
        _id(data.get("organization")),
        _id(data.get("priority")),
    )
    return Facts(
        ticket_id=ticket_id,
        created_at=at,
        dims=dims,
        task=bool(data.get("task")),
        is_open=str(data.get("status") or "new") not in DONE_STATUSES,
    )


def replay(facts: Facts, event: Event, *, opened: bool = False) -> Outcome:
    """Apply `event` to `facts` (changed in place); what it adds to the figures. `opened`: the
    event is the ticket's `created` event and `facts` were just made from it."""
    out = Outcome()
    if facts.task:
        return out
    at, kind = event.at, event.kind
    if opened:
        out.add("created", at, facts.dims)
        if facts.is_open:
            out.add("open_delta", at, facts.dims)
    elif kind == "status_changed":
        _status(facts, event, out)
    elif kind in ("field_changed", "assigned") and event.field in _CHANGED:
        _move(facts, event, out)
    elif kind == "message_added":
        _message(facts, event, out)
    elif kind == "escalated":
        out.add("escalations", at, facts.dims)
    elif kind == "sla_breached" and not event.data.get("subject"):
        facts.breached = True
        out.add("breaches", at, facts.dims)
    elif kind == "safety.flagged" and not facts.flagged:
        facts.flagged = True
        out.add("safety_flagged", at, facts.dims)
    elif kind == "merged_into":
        facts.merged = True
    return out


def _status(facts: Facts, event: Event, out: Outcome) -> None:
    new = str(event.new or "")
    at = event.at
    if facts.is_open and new in DONE_STATUSES:
        facts.is_open = False
        out.add("open_delta", at, facts.dims, -1)
        if facts.merged:
            out.add("merged", at, facts.dims)
            return
        out.add("solved", at, facts.dims)
        out.add("resolution_seconds", at, facts.dims, _seconds(facts.created_at, at))
        if not facts.breached:
            out.add("solved_in_sla", at, facts.dims)
        if facts.solves == 0 and facts.agent_replies <= 1:
            out.add("fcr", at, facts.dims)
            facts.fcr_at, facts.fcr_dims = at, facts.dims
        facts.solves += 1
    elif not facts.is_open and new in OPEN_STATUSES:
        facts.is_open = True
        out.add("reopened", at, facts.dims)
        out.add("open_delta", at, facts.dims)
        if facts.fcr_at is not None and facts.fcr_dims is not None:
            out.add("fcr", facts.fcr_at, facts.fcr_dims, -1)
            out.retract_fcr = True
            facts.fcr_at = facts.fcr_dims = None


def _move(facts: Facts, event: Event, out: Outcome) -> None:
    place = _CHANGED[event.field]
    value: int | str = str(event.new or "") if place == 2 else _id(event.new)
    moved = list(facts.dims)
    moved[place] = value
    dims: Dims = tuple(moved)  # type: ignore[assignment]
    if dims == facts.dims:
        return
    if facts.is_open:  # the open ticket now counts in the other row's backlog
        out.add("open_delta", event.at, facts.dims, -1)
        out.add("open_delta", event.at, dims)
    facts.dims = dims


def _message(facts: Facts, event: Event, out: Outcome) -> None:
    if event.data.get("kind") != "public":
        return
    if event.by_agent:
        facts.agent_replies += 1
        out.add("agent_replies", event.at, facts.dims)
        if not facts.responded:
            facts.responded = True
            out.add("first_responses", event.at, facts.dims)
            seconds = _seconds(facts.created_at, event.at)
            out.add("first_response_seconds", event.at, facts.dims, seconds)
    elif event.by_contact:
        out.add("customer_messages", event.at, facts.dims)


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))
