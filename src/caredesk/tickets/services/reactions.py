"""The protocols at work: how the ticket services hand changes to the rules that react to them.

The rules app fills the reactor slot in its ready(). The ticket services ask it how tickets
about to be opened are routed (decided before anything is written, so routing goes in the same
INSERT), which notes and replies go with them and what else to do once they exist, whether an
escalation is blocked, and to react to every change, in the change's own transaction; the SLA
sweep hands it the warnings and breaches it wrote. What the rules decide is carried out through
the ticket services again, so every change they make is an ordinary, attributed event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from caredesk.accounts.models import Team
from caredesk.core.registries import Registry, Slot
from caredesk.tickets.models import Ticket, TicketEvent
from caredesk.tickets.services.events import Actor


class Decision(Protocol):
    """What the protocols decided for a ticket about to be opened."""

    @property
    def changes(self) -> Mapping[str, Any]: ...  # field changes written with the ticket

    @property
    def via(self) -> Mapping[str, str]: ...  # the rule ("policy / rule") behind each change

    @property
    def others(self) -> Sequence[Any]: ...  # actions left for once the ticket exists


class Reactor(Protocol):
    def decide_new(
        self, *, drafts: list[tuple[Ticket, str, list[str]]]
    ) -> Sequence[Decision | None]: ...

    def new_messages(self, *, ticket: Ticket, decided: Any) -> list[tuple[str, str, str]]: ...

    def after_open(self, *, ticket: Ticket, decided: Any) -> None: ...

    def react(
        self,
        *,
        ticket: Ticket,
        trigger: str,
        actor: Any = None,
        changed: frozenset[str] = frozenset(),
        body: str | None = None,
    ) -> object: ...

    def react_sla(self, *, written: list[Any]) -> None: ...

    def escalation_block(self, *, ticket: Ticket, team: Team, actor: Any) -> str: ...


_reactor: Slot[Reactor] = Slot("ticket reactor", filled_by="caredesk.rules")


def reactor_register(reactor: Reactor) -> None:
    _reactor.fill(reactor)


class Watcher(Protocol):
    """Code above the tickets that wants to hear of changes and SLA events (same transaction),
    whatever the protocols say: the account managers' notices (caredesk.workspace)."""

    def changed(self, *, ticket: Ticket, trigger: str, changed: frozenset[str]) -> None: ...

    def clocks_fired(self, *, written: list[TicketEvent]) -> None: ...


watchers: Registry[Watcher] = Registry("ticket watchers")


def watcher_register(name: str, watcher: Watcher) -> None:
    watchers.register(name, watcher)


def react(ticket: Ticket, trigger: str, actor: Actor, **facts: Any) -> None:
    """Let the active policies react to what just happened (same transaction)."""
    _reactor.get().react(ticket=ticket, trigger=trigger, actor=actor, **facts)
    for watcher in watchers:
        watcher.changed(ticket=ticket, trigger=trigger, changed=facts.get("changed", frozenset()))


def routing_decide(*, drafts: list[tuple[Ticket, str, list[str]]]) -> Sequence[Decision | None]:
    """`ticket.created` for tickets not yet inserted (ticket, first message's text, tags)."""
    return _reactor.get().decide_new(drafts=drafts)


def routing_messages(*, ticket: Ticket, decided: Decision) -> list[tuple[str, str, str]]:
    """The notes and canned replies (kind, text, rule) written with a new ticket's first
    message; they leave the decision's other actions."""
    return _reactor.get().new_messages(ticket=ticket, decided=decided)


def routing_after_open(*, ticket: Ticket, decided: Decision) -> None:
    """The decision's actions that need the ticket to exist, and the record of the rules."""
    _reactor.get().after_open(ticket=ticket, decided=decided)


def escalation_block(*, ticket: Ticket, team: Team, actor: Actor) -> str:
    """Why the protocols forbid escalating `ticket` to `team` now ('' if they do not)."""
    return _reactor.get().escalation_block(ticket=ticket, team=team, actor=actor)


def clocks_fired(*, written: list[TicketEvent]) -> None:
    """The SLA sweep wrote these warnings and breaches: the policies react to them."""
    _reactor.get().react_sla(written=written)
    for watcher in watchers:
        watcher.clocks_fired(written=written)
