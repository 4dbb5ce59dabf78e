"""The clocks a ticket runs (its service levels), kept by the app that plans them.

The sla app fills the keeper slot in its ready(). The ticket services ask the keeper for the
clocks of tickets being opened (inserted with them: one INSERT for a whole batch) and to bring a
ticket's clocks in step after each change; the keeper writes only its own rows. What the clocks
mean for the ticket is written here: its earliest due instant (`Ticket.sla_due_at`), and the
events they owe, through `events.record` like every other event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from caredesk.core import clock
from caredesk.core.registries import Slot
from caredesk.tickets.models import Ticket, TicketEvent
from caredesk.tickets.services import events


@dataclass(frozen=True)
class Planned:
    """The clocks of a ticket about to be inserted (unsaved rows) and when the first is due."""

    clocks: list[Any]
    due_at: datetime | None


@dataclass(frozen=True)
class Synced:
    """After a change: when the ticket's first running clock is due, and the events owed (a
    clock stopped or paused after its due instant before the sweep saw it breached)."""

    due_at: datetime | None
    events: list[TicketEvent] = field(default_factory=list)


class ClockKeeper(Protocol):
    def plan_new(self, *, tickets: Sequence[Ticket], now: datetime) -> list[Planned]: ...

    def insert(self, *, clocks: list[Any]) -> None: ...

    def sync(
        self, *, ticket: Ticket, now: datetime, customer_message: bool, agent_reply: bool
    ) -> Synced: ...

    def sync_many(self, *, tickets: Sequence[Ticket], now: datetime) -> list[Synced]: ...

    def merged(self, *, source: Ticket, target: Ticket, now: datetime) -> Synced: ...

    def current(self, *, ticket_ids: set[int]) -> dict[int, list[Any]]: ...


_keeper: Slot[ClockKeeper] = Slot("ticket clock keeper", filled_by="caredesk.sla")


def clock_keeper_register(keeper: ClockKeeper) -> None:
    _keeper.fill(keeper)


def clocks_plan(*, tickets: Sequence[Ticket], now: datetime) -> list[list[Any]]:
    """The clocks of tickets about to be inserted; sets each one's `sla_due_at`. The caller
    inserts the clocks right after the tickets (`clocks_insert`)."""
    planned = _keeper.get().plan_new(tickets=tickets, now=now)
    for ticket, plan in zip(tickets, planned, strict=True):
        ticket.sla_due_at = plan.due_at
    return [plan.clocks for plan in planned]


def clocks_insert(clocks: list[Any]) -> None:
    """Write the planned clocks of a batch of new tickets (one INSERT)."""
    _keeper.get().insert(clocks=clocks)


def clocks_of(ticket_ids: set[int]) -> dict[int, list[Any]]:
    """The stored clocks of these tickets, by ticket id (one query)."""
    return _keeper.get().current(ticket_ids=ticket_ids)


def clocks_sync(
    *,
    ticket: Ticket,
    now: datetime | None = None,
    customer_message: bool = False,
    agent_reply: bool = False,
) -> None:
    """Bring the ticket's clocks in step with its policy, level and status (the caller's
    transaction); write the events they owe and the ticket's earliest due instant."""
    now = now or clock.now()
    synced = _keeper.get().sync(
        ticket=ticket, now=now, customer_message=customer_message, agent_reply=agent_reply
    )
    events.record(*synced.events)
    if ticket.sla_due_at != synced.due_at:
        ticket.sla_due_at = synced.due_at
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=synced.due_at)


def clocks_merged(*, source: Ticket, target: Ticket, now: datetime) -> None:
    """Re-plan the target's clocks after `source` was merged into it (its messages moved, the
    source not closed yet): the keeper decides what the source's waiting requester brings."""
    synced = _keeper.get().merged(source=source, target=target, now=now)
    events.record(*synced.events)
    if target.sla_due_at != synced.due_at:
        target.sla_due_at = synced.due_at
        Ticket.objects.filter(pk=target.pk).update(sla_due_at=synced.due_at)


def clocks_sync_many(*, tickets: Sequence[Ticket], now: datetime) -> list[TicketEvent]:
    """`clocks_sync` for many changed tickets at once (a bulk change): their clocks read and
    written in a few statements whatever their number, each ticket's earliest due instant set
    (one UPDATE); returns the events the clocks owe, for the caller to record."""
    if not tickets:
        return []
    synced = _keeper.get().sync_many(tickets=tickets, now=now)
    owed: list[TicketEvent] = []
    moved: list[Ticket] = []
    for ticket, result in zip(tickets, synced, strict=True):
        owed += result.events
        if ticket.sla_due_at != result.due_at:
            ticket.sla_due_at = result.due_at
            moved.append(ticket)
    if moved:
        Ticket.objects.bulk_update(moved, ["sla_due_at"])
    return owed
