"""What must be finished before a ticket is solved: each guard names what still stands in the
way (open tasks, required checklist steps; later apps register their own), and a change of
status to solved or closed is refused while any guard names something."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from caredesk.core.errors import Conflict
from caredesk.core.registries import Registry
from caredesk.tickets.models import OPEN_STATUSES, Status, Ticket

# a guard reads many tickets at once: what stands in the way of each, by ticket id (a ticket
# with nothing in the way may be left out), so a page solved in bulk costs one query a guard
SolveGuard = Callable[[Sequence[Ticket]], Mapping[int, list[str]]]
solve_guards: Registry[SolveGuard] = Registry("solve guards")
DONE_STATUSES = (Status.SOLVED, Status.CLOSED)


def solve_guard_register(name: str, guard: SolveGuard) -> None:
    """Refuse solving a ticket while `guard([ticket, ...])` names what is unfinished."""
    solve_guards.register(name, guard)


def solve_blockers_many(tickets: Sequence[Ticket]) -> dict[int, list[str]]:
    """Why each ticket cannot be solved now, in words, by id (empty: nothing in the way)."""
    found: dict[int, list[str]] = {t.pk: [] for t in tickets}
    if tickets:
        for guard in solve_guards:
            for pk, reasons in guard(tickets).items():
                found[pk] += reasons
    return found


def solve_blockers(ticket: Ticket) -> list[str]:
    """Why the ticket cannot be solved now, in words (empty: nothing stands in the way)."""
    return solve_blockers_many([ticket])[ticket.pk]


def solving(old_status: str, new_status: str) -> bool:
    """An open ticket being solved or closed: the change the guards decide."""
    return new_status in DONE_STATUSES and old_status in OPEN_STATUSES


def refusal(ticket: Ticket, reasons: list[str]) -> Conflict:
    return Conflict(
        f"{ticket.ref} cannot be solved yet: " + "; ".join(reasons) + ".",
        errors={"status": reasons},
    )


def check_solvable(ticket: Ticket, old_status: str, new_status: str) -> None:
    """Raise Conflict when an open ticket is being solved or closed with unfinished work."""
    if not solving(old_status, new_status):
        return
    reasons = solve_blockers(ticket)
    if reasons:
        raise refusal(ticket, reasons)
