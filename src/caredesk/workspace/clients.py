"""The account manager's desk: they are told (in the desk and by mail) when one of their
organizations' tickets is solved or runs late. Heard through the ticket services' watchers, in
the change's (or the SLA sweep's) own transaction, so the notice commits with what it tells."""

from __future__ import annotations

from typing import Any

from caredesk.core.notify import notify
from caredesk.sla.models import Metric
from caredesk.tickets.models import EventKind, Status, Ticket, TicketEvent


def _manager_of(ticket: Ticket) -> Any:
    org = ticket.organization
    return org.account_manager if org is not None and org.account_manager_id else None


class ClientWatcher:
    """Notices for account managers: a client's ticket solved, a client's ticket late."""

    def changed(self, *, ticket: Ticket, trigger: str, changed: frozenset[str]) -> None:
        if trigger != "field.changed" or "status" not in changed or not ticket.organization_id:
            return
        if ticket.status != Status.SOLVED:
            return
        manager = _manager_of(ticket)
        if manager is not None:
            org = ticket.organization
            notify(
                users=[manager],
                text=f"Your client {org.name if org else ''}: {ticket.ref} is solved",
                ticket=ticket,
            )

    def clocks_fired(self, *, written: list[TicketEvent]) -> None:
        late: dict[int, str] = {}
        for e in written:
            if e.kind == EventKind.SLA_BREACHED:
                late.setdefault(e.ticket_id, str((e.data or {}).get("metric", "")))
        if not late:
            return
        tickets = Ticket.objects.filter(
            pk__in=late, organization__account_manager__isnull=False
        ).select_related("organization__account_manager")
        for ticket in tickets:
            org = ticket.organization
            assert org is not None  # filtered on its account manager
            metric = late[ticket.pk]
            what = Metric(metric).label.lower() if metric in Metric.values else "target"
            notify(
                users=[org.account_manager],
                text=f"Your client {org.name}: {ticket.ref} is late (its {what} time passed)",
                ticket=ticket,
            )
