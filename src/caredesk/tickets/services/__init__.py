"""Ticket services: the only code that writes tickets, messages and their events."""

from caredesk.tickets.services.attachments import Upload
from caredesk.tickets.services.break_glass import break_glass_open
from caredesk.tickets.services.ticketing import (
    Body,
    EscalationBlocked,
    NewTicket,
    Opened,
    follower_add,
    follower_remove,
    message_add,
    ticket_escalate,
    ticket_open,
    ticket_update,
    tickets_open,
    tracker_linked,
    tracker_status_changed,
)

__all__ = [
    "Body",
    "EscalationBlocked",
    "NewTicket",
    "Opened",
    "Upload",
    "break_glass_open",
    "follower_add",
    "follower_remove",
    "message_add",
    "ticket_escalate",
    "ticket_open",
    "ticket_update",
    "tickets_open",
    "tracker_linked",
    "tracker_status_changed",
]
