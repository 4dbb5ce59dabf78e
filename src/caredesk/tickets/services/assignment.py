"""Who may be given a ticket, and whose public replies wait for approval: assignment guards and
reply holds are registries that higher apps fill in `ready()` (training gates categories by
certification), so the ticket services, the rules and the edges ask one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from caredesk.core.registries import Registry

# a guard answers, for an agent and a ticket's category id (None: no category), why the agent
# may not be given it ('' when nothing stands in the way)
AssignmentGuard = Callable[[Any, int | None], str]
assignment_guards: Registry[AssignmentGuard] = Registry("assignment guards")

# a hold answers why `actor`'s public reply on the ticket must wait for an approver ('' if not)
ReplyHold = Callable[[Any, Any], str]
reply_holds: Registry[ReplyHold] = Registry("reply holds")

# what keeps a held reply (the message is stored as an internal note): (ticket, message, reason)
HeldKeeper = Callable[[Any, Any, str], None]
held_keepers: Registry[HeldKeeper] = Registry("held reply keepers")


def assignment_guard_register(name: str, guard: AssignmentGuard) -> None:
    """Refuse giving a ticket to an agent while `guard(agent, category_id)` names a reason."""
    assignment_guards.register(name, guard)


def reply_hold_register(name: str, hold: ReplyHold, keeper: HeldKeeper) -> None:
    """Hold an agent's public replies while `hold(ticket, actor)` names a reason; `keeper`
    records the held reply in the same transaction."""
    reply_holds.register(name, hold)
    held_keepers.register(name, keeper)


def assignment_refusal(agent: Any, category_id: int | None) -> str:
    """Why `agent` may not be given a ticket of the category, in words ('' if they may)."""
    if agent is None:
        return ""
    for guard in assignment_guards:
        reason = guard(agent, category_id)
        if reason:
            return reason
    return ""


def assignable_among(people: Sequence[Any], category_id: int | None) -> list[Any]:
    """The people who may be given a ticket of the category, in the order given."""
    return [p for p in people if not assignment_refusal(p, category_id)]


def reply_hold(ticket: Any, actor: Any) -> tuple[str, str]:
    """(name of the hold, why) when `actor`'s public reply on `ticket` must be approved."""
    for name, hold in reply_holds.items():
        reason = hold(ticket, actor)
        if reason:
            return name, reason
    return "", ""


def reply_held(name: str, ticket: Any, message: Any, reason: str) -> None:
    held_keepers.get(name)(ticket, message, reason)
