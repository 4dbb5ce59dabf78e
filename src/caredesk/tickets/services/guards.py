"""What must be finished before a ticket is solved: each guard names what still stands in the
way (open tasks, required checklist steps; later apps register their own), and a change of
status to solved or closed is refused while any guard names something."""

from __future__ import annotations

from collections.abc import Callable

from caredesk.core.errors import Conflict
from caredesk.core.registries import Registry
from caredesk.tickets.models import OPEN_STATUSES, Status, Ticket

SolveGuard = Callable[[Ticket], list[str]]
solve_guards: Registry[SolveGuard] = Registry("solve guards")
DONE_STATUSES = (Status.SOLVED, Status.CLOSED)


def solve_guard_register(name: str, guard: SolveGuard) -> None:
    """Refuse solving a ticket while `guard(ticket)` names what is unfinished."""
    solve_guards.register(name, guard)


def solve_blockers(ticket: Ticket) -> list[str]:
    """Why the ticket cannot be solved now, in words (empty: nothing stands in the way)."""
    return [reason for guard in solve_guards for reason in guard(ticket)]


def check_solvable(ticket: Ticket, old_status: str, new_status: str) -> None:
    """Raise Conflict when an open ticket is being solved or closed with unfinished work."""
    if new_status not in DONE_STATUSES or old_status not in OPEN_STATUSES:
        return
    reasons = solve_blockers(ticket)
    if reasons:
        raise Conflict(
            f"{ticket.ref} cannot be solved yet: " + "; ".join(reasons) + ".",
            errors={"status": reasons},
        )
