"""Agents who follow a ticket."""

from __future__ import annotations

from django.db import transaction

from caredesk.accounts.models import User
from caredesk.core.errors import ValidationFailed
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import events
from caredesk.tickets.services.events import Actor


@transaction.atomic
def follower_add(*, ticket: Ticket, follower: User, actor: Actor) -> None:
    """Add an agent to the ticket's followers (idempotent)."""
    if not follower.is_agent:
        raise ValidationFailed(
            "Only agents can follow tickets.", errors={"follower": ["Not an agent."]}
        )
    if ticket.followers.filter(pk=follower.pk).exists():
        return
    ticket.followers.add(follower)
    events.record(events.follower_added(ticket, actor, follower))


@transaction.atomic
def follower_remove(*, ticket: Ticket, follower: User, actor: Actor) -> None:
    """Stop following a ticket (idempotent)."""
    if not ticket.followers.filter(pk=follower.pk).exists():
        return
    ticket.followers.remove(follower)
    events.record(events.field_changed(ticket, actor, "followers", follower.pk, None))
