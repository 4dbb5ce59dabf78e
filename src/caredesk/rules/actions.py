"""Rule actions that other apps carry out, and the names of theirs a policy may refer to.

The on-call app fills the pager slot: `page_on_call` opens a page through it.

The rules' vocabulary (`engine.ACTIONS`) names every action a policy may use. Most are carried
out by the rules themselves through the ticket services; opening a tracker issue and calling a
webhook belong to the integrations app, which registers them in its ready(), with the names a
policy may give them (its webhook endpoints), so a policy naming a missing one is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from caredesk.accounts.models import Team, User
from caredesk.core.registries import Registry, RegistryError, Slot
from caredesk.rules.engine import ACTIONS
from caredesk.tickets.models import Ticket

ActionHandler = Callable[[Ticket, Mapping[str, Any]], None]

handlers: Registry[ActionHandler] = Registry("rule actions carried out by other apps")
references: Registry[Callable[[], Iterable[str]]] = Registry("names a rule may refer to")


class Pager(Protocol):
    def __call__(self, *, ticket: Ticket, team: Team, text: str) -> list[User] | None: ...


# `page_on_call` pages through the on-call app: it returns who it paged first, or None when
# the team has no on-call schedule (the rules then tell Team.on_call, else the team's members).
pager: Slot[Pager] = Slot("pager for page_on_call", filled_by="caredesk.oncall")


def pager_register(page: Pager) -> None:
    pager.fill(page)


def action_register(action: str, handler: ActionHandler) -> None:
    """Carry out `action` (one the rules' vocabulary names) with `handler(ticket, params)`."""
    if action not in ACTIONS:
        raise RegistryError(f"{handlers.name}: {action!r} is not an action a rule may name")
    handlers.register(action, handler)


def reference_register(kind: str, names: Callable[[], Iterable[str]]) -> None:
    """`names()` lists what exists of `kind` ("webhook endpoint"), for checking policies."""
    references.register(kind, names)
