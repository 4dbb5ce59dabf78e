"""Ticket services: the only code that writes tickets, messages and their events."""

from caredesk.tickets.services.attachments import Upload
from caredesk.tickets.services.ticketing import (
    Body,
    NewTicket,
    Opened,
    follower_add,
    follower_remove,
    message_add,
    ticket_open,
    ticket_update,
    tickets_open,
)

__all__ = [
    "Body",
    "NewTicket",
    "Opened",
    "Upload",
    "follower_add",
    "follower_remove",
    "message_add",
    "ticket_open",
    "tickets_open",
    "ticket_update",
]
