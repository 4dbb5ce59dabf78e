"""Ticket services: the only code that writes tickets, messages and their events."""

from caredesk.tickets.services.attachments import Upload
from caredesk.tickets.services.ticketing import (
    Body,
    NewTicket,
    follower_add,
    follower_remove,
    message_add,
    ticket_open,
    ticket_update,
)

__all__ = [
    "Body",
    "NewTicket",
    "Upload",
    "follower_add",
    "follower_remove",
    "message_add",
    "ticket_open",
    "ticket_update",
]
