"""After a change, the active policies react to it (in the same transaction)."""

from __future__ import annotations

from typing import Any

from caredesk.tickets.models import Ticket
from caredesk.tickets.services.events import Actor


def react(ticket: Ticket, trigger: str, actor: Actor, **facts: Any) -> None:
    """Let the active policies react to what just happened (same transaction)."""
    from caredesk.rules.services import rules_react

    rules_react(ticket=ticket, trigger=trigger, actor=actor, **facts)
