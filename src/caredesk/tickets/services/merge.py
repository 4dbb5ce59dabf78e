"""Merging a ticket into another: one conversation, one requester told.

The source's messages and attachments move to the target with their times (so they fall into
its thread in time order) and are marked with the ticket they were written on; followers, tags
and people in copy are joined, the source's requester (when someone else) is put in copy of the
target, the source's requester is told by a public reply, and the source is closed through the
normal closing path (its service level clocks stop) with `merged_into` recorded. Its links and
mail replies lead to the target from then on.

Refused: a ticket into itself, into a closed ticket, a ticket already closed or merged, tickets
the actor cannot see or may not merge, and tickets of different organizations (their
conversations would become visible to another client's people).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caredesk.tickets import selectors
from caredesk.tickets.models import (
    Attachment,
    EventKind,
    Message,
    MessageKind,
    Status,
    Ticket,
    TicketCC,
)
from caredesk.tickets.services import events
from caredesk.tickets.services.bulk import (
    MAX_BULK,
    NOT_VISIBLE,
    BulkResult,
    SelectionOperation,
    selection_operations,
)
from caredesk.tickets.services.ccs import ccs_add_quietly
from caredesk.tickets.services.clocks import clocks_merged
from caredesk.tickets.services.messages import Body, message_new
from caredesk.tickets.services.requester_mail import notify_requester
from caredesk.tickets.services.updates import ticket_update

MERGE_PERMISSION = "tickets.merge_ticket"
MAX_CHAIN = 10


def final_ticket(ticket: Ticket) -> Ticket:
    """The ticket a merged ticket's conversation continues on (itself when not merged)."""
    seen = {ticket.pk}
    while ticket.merged_into_id is not None and len(seen) <= MAX_CHAIN:
        nxt = Ticket.objects.filter(pk=ticket.merged_into_id).first()
        if nxt is None or nxt.pk in seen:
            break
        seen.add(nxt.pk)
        ticket = nxt
    return ticket


def merge_refusal(source: Ticket, target: Ticket) -> str:
    """Why `source` cannot be merged into `target` ('' when it can). Both as loaded."""
    if source.pk == target.pk:
        return "A ticket cannot be merged into itself."
    if source.merged_into_id is not None:
        return f"{source.ref} is already merged into another ticket."
    if source.status == Status.CLOSED:
        return f"{source.ref} is closed."
    if target.status == Status.CLOSED:
        return f"{target.ref} is closed: merge into an open ticket."
    if source.organization_id != target.organization_id:
        return (
            f"{source.ref} and {target.ref} belong to different organizations: one client's "
            "conversation would be shown to the other's people."
        )
    return ""


def _visible(actor: User, pk: int) -> Ticket:
    ticket = selectors.tickets_visible(actor).select_related("requester").filter(pk=pk).first()
    if ticket is None:
        raise NotFound("No such ticket.", errors={"into": [NOT_VISIBLE]})
    return ticket


def merge_target(*, actor: User, pk: int) -> Ticket:
    """The ticket a merge into `pk` lands on: a merged ticket is followed to the one its
    conversation continues on. Raises NotFound when the actor cannot see it."""
    target = final_ticket(_visible(actor, pk))
    return _visible(actor, target.pk)


@transaction.atomic
def ticket_merge(*, source: Ticket, into: Ticket, actor: User, note: str = "") -> Ticket:
    """Merge `source` into `into` (followed to the final ticket of a merge chain); returns the
    ticket merged into."""
    if not actor.has_perm(MERGE_PERMISSION):
        raise PermissionDenied("You may not merge tickets.")
    source = _visible(actor, source.pk)
    target = merge_target(actor=actor, pk=into.pk)
    # both rows locked, the lower id first, so two merges of the same pair cannot cross
    locked = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .select_related("requester")
        .filter(pk__in=sorted({source.pk, target.pk}))
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    refusal = merge_refusal(source, target)
    if refusal:
        error = ValidationFailed if source.pk == target.pk else Conflict
        raise error("The tickets could not be merged.", errors={"into": [refusal]})
    now = clock.now()
    _tell_requester(source, target, actor, note)
    moved = Message.objects.filter(ticket=source).update(
        ticket=target, merged_from=Coalesce("merged_from", Value(source.pk))
    )
    Attachment.objects.filter(ticket=source).update(ticket=target)
    _join_people(source, target, actor)
    # before the source closes (its clocks stop): what its requester waited counts on
    clocks_merged(source=source, target=target, now=now)
    Ticket.objects.filter(pk=source.pk).update(merged_into=target)
    events.record(
        events.happened(source, EventKind.MERGED_INTO, actor, into=target.pk, ref=target.ref),
        events.happened(
            target, EventKind.MERGED_IN, actor, source=source.pk, ref=source.ref, messages=moved
        ),
    )
    tags = sorted(
        set(source.tags.values_list("name", flat=True))
        | set(target.tags.values_list("name", flat=True))
    )
    if tags != sorted(target.tags.values_list("name", flat=True)):
        ticket_update(ticket=target, changes={"tags": tags}, actor=actor)
    ticket_update(ticket=source, changes={"status": Status.CLOSED}, actor=actor)
    Ticket.objects.filter(pk=target.pk).update(updated_at=now)
    target.refresh_from_db()
    return target


def _tell_requester(source: Ticket, target: Ticket, actor: User, note: str) -> None:
    """A public reply on the source for its requester (and its people in copy), by mail."""
    text = (
        f"Your request {source.ref} was joined with {target.ref} ({target.subject}). "
        f"Replies continue there; answering this mail still reaches us."
    )
    if note.strip():
        text = f"{note.strip()}\n\n{text}"
    message = message_new(source, MessageKind.PUBLIC, Body(text=text), actor)
    message.save(force_insert=True)
    events.record(events.message_added(source, actor, message))
    notify_requester(source, message)


def _join_people(source: Ticket, target: Ticket, actor: User) -> None:
    target.followers.add(*source.followers.all())
    people = [(cc.email, cc.name) for cc in TicketCC.objects.filter(ticket=source).order_by("id")]
    if source.requester_id != target.requester_id and source.requester.email:
        people.insert(0, (source.requester.email, source.requester.name))
    ccs_add_quietly(ticket=target, people=people, actor=actor)


def tickets_merge(*, ticket_ids: Sequence[int], into: int, actor: User) -> list[BulkResult]:
    """Merge each selected ticket into the one chosen (the selection's operation); one result
    per ticket, a refusal leaving the others alone."""
    if not ticket_ids or len(ticket_ids) > MAX_BULK:
        raise ValidationFailed(
            "Nothing was merged.",
            errors={"tickets": [f"Select from 1 to {MAX_BULK} tickets."]},
        )
    target = merge_target(actor=actor, pk=into)
    results = []
    for pk in dict.fromkeys(ticket_ids):
        if pk == target.pk:
            continue
        try:
            source = _visible(actor, pk)
        except NotFound:
            results.append(BulkResult(pk, "", "refused", reason=NOT_VISIBLE))
            continue
        try:
            ticket_merge(source=source, into=target, actor=actor)
        except (Conflict, ValidationFailed, PermissionDenied) as exc:
            reason = " ".join(m for ms in exc.errors.values() for m in ms) or exc.detail
            results.append(BulkResult(pk, source.ref, "refused", reason=reason))
            continue
        results.append(BulkResult(pk, source.ref, "changed", changed=("merged_into",)))
    return results


def register() -> None:
    """Offer merging beside the bulk changes (TicketsConfig.ready)."""
    selection_operations.register("merge", SelectionOperation("Merge into…", tickets_merge))
