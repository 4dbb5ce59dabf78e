"""Hears, through the ticket watchers, that a ticket was solved, and books its survey."""

from __future__ import annotations

from caredesk.feedback import services
from caredesk.tickets.models import Status, Ticket, TicketEvent


class SurveyWatcher:
    def changed(self, *, ticket: Ticket, trigger: str, changed: frozenset[str]) -> None:
        if trigger == "field.changed" and "status" in changed and ticket.status == Status.SOLVED:
            services.survey_schedule(ticket=ticket)

    def clocks_fired(self, *, written: list[TicketEvent]) -> None:
        return None
