"""Generated ticket histories written through the real services with the clock moved, and the
figures recomputed from their events by brute force (a second, independent reading of the
definitions in docs/reports.md): the rollups must agree with it exactly."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from caredesk.core.errors import DomainError
from caredesk.reports.rollup import day_of
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import Channel, Status, Ticket, TicketEvent
from caredesk.tickets.services import (
    Body,
    EscalationBlocked,
    message_add,
    ticket_escalate,
    ticket_update,
)
from caredesk.tickets.services.merge import ticket_merge
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestTypeFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)

OPEN = {"new", "open", "pending", "on_hold"}
DONE = {"solved", "closed"}


@dataclass
class Cast:
    teams: list[Any]
    agents: list[Any]
    lead: Any
    requesters: list[Any]
    categories: list[Any]


def cast() -> Cast:
    orgs = [OrganizationFactory() for _ in range(3)]
    teams = [TeamFactory() for _ in range(3)]
    agents = [AgentFactory(teams=[t]) for t in teams] + [AgentFactory(teams=teams[:2])]
    return Cast(
        teams=teams,
        agents=agents,
        lead=supervisor(teams=teams),
        requesters=[ContactFactory(organization=o) for o in orgs]
        + [ContactFactory(organization=None)],
        categories=[RequestTypeFactory() for _ in range(2)],
    )


def write_history(  # noqa: C901 - one flat list of actions reads best
    rng: random.Random, clock: Any, people: Cast, steps: int, *, between: Callable[[], Any]
) -> list[int]:
    """`steps` random actions on a growing set of tickets, the clock moved between them;
    `between` runs now and then (the rollup job, as the worker would)."""
    tickets: list[int] = []

    def some() -> Ticket:
        return Ticket.objects.get(pk=rng.choice(tickets))

    def act(name: str) -> None:  # noqa: C901 - as above
        agent = rng.choice(people.agents)
        if name == "open" or not tickets:
            ticket = make_ticket(
                rng.choice(people.requesters),
                channel=rng.choice(Channel.values),
                priority=rng.randint(1, 4),
                category=rng.choice([None, *people.categories]),
                team=rng.choice([None, *people.teams]),
                assignee=rng.choice([None, None, agent]),
            )
            tickets.append(ticket.pk)
            return
        ticket = some()
        if name == "reply":
            message_add(ticket=ticket, kind="public", body=Body(text="We are on it."), actor=agent)
        elif name == "note":
            message_add(ticket=ticket, kind="internal", body=Body(text="Looked."), actor=agent)
        elif name == "customer":
            message_add(
                ticket=ticket,
                kind="public",
                body=Body(text="Still broken."),
                actor=ticket.requester,
            )
        elif name == "assign":
            ticket_update(ticket=ticket, changes={"assignee": agent}, actor=people.lead)
        elif name == "team":
            ticket_update(ticket=ticket, changes={"team": rng.choice(people.teams)}, actor=agent)
        elif name == "level":
            ticket_update(ticket=ticket, changes={"priority": rng.randint(1, 4)}, actor=agent)
        elif name == "category":
            changes = {"category": rng.choice([None, *people.categories])}
            ticket_update(ticket=ticket, changes=changes, actor=agent)
        elif name in ("solve", "close", "reopen", "pending"):
            status = {"solve": Status.SOLVED, "close": Status.CLOSED, "reopen": Status.OPEN,
                      "pending": Status.PENDING}[name]  # fmt: skip
            ticket_update(ticket=ticket, changes={"status": status}, actor=agent)
        elif name == "escalate":
            ticket_escalate(
                ticket=ticket, team=rng.choice(people.teams), actor=agent, reason="Needs tier 2."
            )
        elif name == "merge" and len(tickets) > 1:
            ticket_merge(source=ticket, into=some(), actor=people.lead)
        elif name == "sweep":
            sla_tick()

    names = ["open"] * 6 + ["reply"] * 5 + ["customer"] * 3 + ["solve"] * 5 + [
        "note", "assign", "assign", "team", "level", "category", "close", "reopen", "pending",
        "escalate", "merge", "sweep", "sweep",
    ]  # fmt: skip
    for _ in range(steps):
        clock.advance(minutes=rng.choice([1, 5, 20, 45, 90, 240, 600, 1500]))
        # refused as a person would be refused; nothing was written
        with suppress(DomainError, EscalationBlocked, PermissionError):
            act(rng.choice(names))
        if rng.random() < 0.08:
            between()
    return tickets


# -- the brute force: every figure from each ticket's whole list of events ---------------------

PLACE = {"team": 0, "assignee": 1, "channel": 2, "category": 3, "organization": 4, "priority": 5}


def _ref(value: Any) -> Any:
    return 0 if value in (None, "", False) else int(value)


Counts = dict[tuple[Any, ...], Counter[str]]
Backlog = dict[date, Counter[tuple[Any, ...]]]


def recount() -> tuple[Counts, dict[str, set[int]], Backlog]:  # noqa: C901, PLR0912, PLR0915 - flat
    """Counters per (day, dims) except the backlog; the tickets behind each listed figure; and
    the open tickets at the end of each day, per dims."""
    per_ticket: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in TicketEvent.objects.order_by("id"):
        per_ticket[event.ticket_id].append(event)
    counts: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    tickets: dict[str, set[int]] = defaultdict(set)
    open_spans: list[tuple[Any, Any, tuple[Any, ...]]] = []  # (from, to or None, dims)
    for ticket_id, events in per_ticket.items():
        first = events[0]
        assert first.kind == "created"
        if first.data.get("task"):
            continue
        d = first.data
        dims = [_ref(d.get("team")), _ref(d.get("assignee")), d.get("channel") or "",
                _ref(d.get("category")), _ref(d.get("organization")), _ref(d.get("priority"))]  # fmt: skip
        opened_at = first.created_at
        status_open = True
        merged = False
        replies = 0
        breached = False
        flagged = False
        solves: list[tuple[Any, tuple[Any, ...], int]] = []  # (at, dims, replies before)
        reopened = False
        span_start = opened_at

        def count(metric: str, at: Any, value: int = 1, *, listed: bool = True) -> None:
            counts[(day_of(at), *dims)][metric] += value  # noqa: B023 - called at once
            if listed:
                tickets[metric].add(ticket_id)  # noqa: B023 - called at once

        count("created", opened_at)
        for e in events[1:]:
            if e.kind in ("field_changed", "assigned") and e.field in PLACE:
                new = (e.new or "") if e.field == "channel" else _ref(e.new)
                if dims[PLACE[e.field]] != new and status_open:
                    open_spans.append((span_start, e.created_at, tuple(dims)))
                    span_start = e.created_at
                dims[PLACE[e.field]] = new
            elif e.kind == "status_changed":
                if status_open and e.new in DONE:
                    status_open = False
                    open_spans.append((span_start, e.created_at, tuple(dims)))
                    if merged:
                        count("merged", e.created_at, listed=False)
                        continue
                    count("solved", e.created_at)
                    secs = int((e.created_at - opened_at).total_seconds())
                    count("resolution_seconds", e.created_at, secs, listed=False)
                    if not breached:
                        count("solved_in_sla", e.created_at)
                    solves.append((e.created_at, tuple(dims), replies))
                elif not status_open and e.new in OPEN:
                    status_open = True
                    reopened = True
                    span_start = e.created_at
                    count("reopened", e.created_at)
            elif e.kind == "message_added" and e.data.get("kind") == "public":
                if e.actor_user_id and not e.actor_contact_id:
                    replies += 1
                    count("agent_replies", e.created_at, listed=False)
                    if replies == 1:
                        count("first_responses", e.created_at)
                        secs = int((e.created_at - opened_at).total_seconds())
                        count("first_response_seconds", e.created_at, secs, listed=False)
                elif e.actor_contact_id:
                    count("customer_messages", e.created_at, listed=False)
            elif e.kind == "escalated":
                count("escalations", e.created_at)
            elif e.kind == "sla_breached" and not e.data.get("subject"):
                breached = True
                count("breaches", e.created_at)
            elif e.kind == "safety.flagged" and not flagged:
                flagged = True
                count("safety_flagged", e.created_at)
            elif e.kind == "merged_into":
                merged = True
        if status_open:
            open_spans.append((span_start, None, tuple(dims)))
        # first-contact resolution: the first solve, at most one agent reply before, never reopened
        if solves and not reopened and solves[0][2] <= 1:
            at, at_dims, _ = solves[0]
            counts[(day_of(at), *at_dims)]["fcr"] += 1
            tickets["fcr"].add(ticket_id)
    backlog: dict[date, Counter[tuple[Any, ...]]] = {}
    if open_spans:
        first_day = min(day_of(s[0]) for s in open_spans)
        last_day = max(day_of(s[1] or s[0]) for s in open_spans)
        day = first_day
        while day <= last_day:
            backlog[day] = Counter(
                dims for start, end, dims in open_spans
                if day_of(start) <= day and (end is None or day_of(end) > day)
            )  # fmt: skip
            day += timedelta(days=1)
    return counts, tickets, backlog
