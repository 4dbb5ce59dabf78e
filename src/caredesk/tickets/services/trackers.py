"""Engineering issues linked to a ticket: the link, and what the tracker says since."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from caredesk.core import clock
from caredesk.tickets.models import EventKind, MessageKind
from caredesk.tickets.services import events
from caredesk.tickets.services.messages import Body, message_add


@transaction.atomic
def tracker_linked(*, issue: Any, key: str, url: str) -> None:
    """Record the engineering issue opened for a ticket (its key and link) on the ticket."""
    issue.key, issue.url, issue.status, issue.last_error = key, url, "open", ""
    issue.updated_at = clock.now()
    issue.save(update_fields=["key", "url", "status", "last_error", "updated_at"])
    events.record(events.happened(issue.ticket, EventKind.TRACKER_LINKED, None, key=key, url=url))


@transaction.atomic
def tracker_status_changed(*, issue: Any, status: str) -> None:
    """The tracker says the linked issue moved; note it on the ticket for the agents."""
    if issue.status == status:
        return
    old, issue.status, issue.updated_at = issue.status, status, clock.now()
    issue.save(update_fields=["status", "updated_at"])
    events.record(
        events.happened(
            issue.ticket, EventKind.TRACKER_LINKED, None, key=issue.key, old=old, status=status
        )
    )
    message_add(
        ticket=issue.ticket,
        kind=MessageKind.INTERNAL,
        body=Body(text=f"Engineering issue {issue.key} is now “{status}”."),
        actor=None,
    )
