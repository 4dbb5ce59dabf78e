"""Rule actions that other apps carry out, and the names of theirs a policy may refer to.

The rules' vocabulary (`engine.ACTIONS`) names every action a policy may use. Most are carried
out by the rules themselves through the ticket services; opening a tracker issue and calling a
webhook belong to the integrations app, which registers them in its ready(), with the names a
policy may give them (its webhook endpoints), so a policy naming a missing one is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from caredesk.core.registries import Registry, RegistryError
from caredesk.rules.engine import ACTIONS
from caredesk.tickets.models import Ticket

ActionHandler = Callable[[Ticket, Mapping[str, Any]], None]

handlers: Registry[ActionHandler] = Registry("rule actions carried out by other apps")
references: Registry[Callable[[], Iterable[str]]] = Registry("names a rule may refer to")


def action_register(action: str, handler: ActionHandler) -> None:
    """Carry out `action` (one the rules' vocabulary names) with `handler(ticket, params)`."""
    if action not in ACTIONS:
        raise RegistryError(f"{handlers.name}: {action!r} is not an action a rule may name")
    handlers.register(action, handler)


def reference_register(kind: str, names: Callable[[], Iterable[str]]) -> None:
    """`names()` lists what exists of `kind` ("webhook endpoint"), for checking policies."""
    references.register(kind, names)
