"""The SLA app as the ticket services' clock keeper (registered in SlaConfig.ready())."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from caredesk.sla.models import SlaClock
from caredesk.sla.plans import ticket_plans
from caredesk.sla.selectors import policies
from caredesk.sla.services import sla_merge, sla_open, sla_sync, sla_sync_many
from caredesk.tickets.models import Ticket
from caredesk.tickets.services.clocks import Planned, Synced


class SlaClocks:
    """Plans, stores and reconciles `SlaClock` rows for the ticket services."""

    def plan_new(self, *, tickets: Sequence[Ticket], now: datetime) -> list[Planned]:
        candidates = policies()  # read once for the whole batch, and the plans met
        met = ticket_plans(tickets)
        return [
            sla_open(ticket=t, now=now, candidates=candidates, plans=m)
            for t, m in zip(tickets, met, strict=True)
        ]

    def insert(self, *, clocks: list[Any]) -> None:
        SlaClock.objects.bulk_create(clocks)

    def sync(
        self, *, ticket: Ticket, now: datetime, customer_message: bool, agent_reply: bool
    ) -> Synced:
        return sla_sync(
            ticket=ticket, now=now, customer_message=customer_message, agent_reply=agent_reply
        )

    def sync_many(self, *, tickets: Sequence[Ticket], now: datetime) -> list[Synced]:
        return sla_sync_many(tickets=tickets, now=now)

    def merged(self, *, source: Ticket, target: Ticket, now: datetime) -> Synced:
        return sla_merge(source=source, target=target, now=now)

    def current(self, *, ticket_ids: set[int]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        for row in SlaClock.objects.filter(ticket_id__in=ticket_ids).order_by("ticket_id", "id"):
            found.setdefault(row.ticket_id, []).append(row)
        return found
