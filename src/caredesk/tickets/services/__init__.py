"""Ticket services: the only code that writes tickets, messages and their events."""

from caredesk.tickets.services.attachments import Upload
from caredesk.tickets.services.break_glass import break_glass_open
from caredesk.tickets.services.bulk import BulkChanges, BulkResult, tickets_bulk_update
from caredesk.tickets.services.escalation import EscalationBlocked, ticket_escalate
from caredesk.tickets.services.followers import follower_add, follower_remove
from caredesk.tickets.services.messages import Body, message_add
from caredesk.tickets.services.opening import NewTicket, Opened, ticket_open, tickets_open
from caredesk.tickets.services.safety import safety_decide
from caredesk.tickets.services.trackers import tracker_linked, tracker_status_changed
from caredesk.tickets.services.updates import ticket_update

__all__ = [
    "Body",
    "BulkChanges",
    "BulkResult",
    "EscalationBlocked",
    "NewTicket",
    "Opened",
    "Upload",
    "break_glass_open",
    "follower_add",
    "follower_remove",
    "message_add",
    "safety_decide",
    "ticket_escalate",
    "ticket_open",
    "ticket_update",
    "tickets_bulk_update",
    "tickets_open",
    "tracker_linked",
    "tracker_status_changed",
]
