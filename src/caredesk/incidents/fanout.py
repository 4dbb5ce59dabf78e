"""Telling the linked requesters: a public update with "notify" becomes a public reply on every
linked ticket; the resolution also solves each linked ticket unless its link keeps it open (or
the ticket is already solved or closed).

The worker runs it (`tasks.incident_fanout_task`, queued by a timeline listener after the update
commits) in batches. Each ticket told is one `UpdateDelivery` row written in the reply's
transaction, so a retried or doubled job skips the tickets already told and never replies
twice; `IncidentUpdate.sent_count` follows after each batch and `sent_at` is set at the end.
The replies go through the tickets app's `message_add`, so mail goes out the normal way.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from caredesk.core import clock
from caredesk.core.errors import DomainError
from caredesk.incidents.models import (
    Incident,
    IncidentState,
    IncidentTicket,
    IncidentUpdate,
    UpdateDelivery,
)
from caredesk.tickets.models import MessageKind, Status, Ticket
from caredesk.tickets.services import Body, message_add, ticket_update

log = logging.getLogger(__name__)
BATCH = 50


def reply_text(incident: Incident, update: IncidentUpdate) -> str:
    state = IncidentState(update.state).label
    return (
        f"An update on the incident your request is part of: {incident.title} "
        f"(INC-{incident.number}, {state.lower()}).\n\n{update.body}"
    )


def wants_fanout(update: IncidentUpdate) -> bool:
    """A public update with notify tells the requesters; a resolution always settles tickets."""
    return update.state == IncidentState.RESOLVED or (update.notify and update.public)


def _tell_one(update: IncidentUpdate, link: IncidentTicket, text: str) -> bool:
    """Reply on (and maybe solve) one linked ticket; returns whether it was solved."""
    ticket: Ticket = link.ticket
    if ticket.status == Status.CLOSED:
        return False
    resolving = update.state == IncidentState.RESOLVED
    solve = resolving and not link.keep_open and ticket.status != Status.SOLVED
    if update.notify and update.public:
        message_add(
            ticket=ticket,
            kind=MessageKind.PUBLIC,
            body=Body(text=text),
            actor=update.author,
            status_after=Status.SOLVED if solve else None,
        )
    elif solve:
        ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=update.author)
    return solve


def _deliver(update: IncidentUpdate, link: IncidentTicket, text: str) -> int:
    """Record the ticket told, then tell it (a refusal is logged; the row stays so a retry does
    not try again)."""
    delivery = UpdateDelivery.objects.create(
        update=update, ticket_id=link.ticket_id, at=clock.now()
    )
    try:
        with transaction.atomic():
            solved = _tell_one(update, link, text)
    except DomainError as exc:  # the ticket refuses (e.g. closed meanwhile)
        log.warning(
            "incident update %s: ticket %s not told (%s)",
            update.pk, link.ticket_id, type(exc).__name__,
        )  # fmt: skip
        solved = False
    if solved:
        UpdateDelivery.objects.filter(pk=delivery.pk).update(solved=True)
    return 1


def update_fanout(*, update_id: int, batch: int = BATCH) -> int:
    """Tell every linked ticket not yet told of the update; returns how many were told now."""
    update = (
        IncidentUpdate.objects.select_related("incident", "author").filter(pk=update_id).first()
    )
    if update is None or not wants_fanout(update):
        return 0
    incident = update.incident
    text = reply_text(incident, update)
    told_now = 0
    while True:
        told = UpdateDelivery.objects.filter(update=update).values("ticket_id")
        links = list(
            IncidentTicket.objects.filter(incident=incident)
            .exclude(ticket_id__in=told)
            .select_related("ticket")
            .order_by("id")[:batch]
        )
        if not links:
            break
        with transaction.atomic():  # one commit a batch; each ticket on its own savepoint
            for link in links:
                try:
                    with transaction.atomic():
                        told_now += _deliver(update, link, text)
                except IntegrityError:  # another run told it first
                    continue
            count = UpdateDelivery.objects.filter(update=update).count()
            IncidentUpdate.objects.filter(pk=update.pk).update(sent_count=count)
    IncidentUpdate.objects.filter(pk=update.pk, sent_at__isnull=True).update(sent_at=clock.now())
    return told_now


def on_timeline(incident: Incident | None, update: IncidentUpdate | None) -> None:
    """The timeline listener (services.listener_register): queue the fan-out."""
    if incident is None or update is None or not wants_fanout(update):
        return
    if not IncidentTicket.objects.filter(incident=incident).exists():
        IncidentUpdate.objects.filter(pk=update.pk).update(sent_at=clock.now())
        return
    from caredesk.incidents.tasks import incident_fanout_task

    incident_fanout_task(update.pk)
