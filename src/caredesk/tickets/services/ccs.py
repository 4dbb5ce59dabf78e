"""People in copy (CC) on a ticket: they get its public replies by mail, never its notes.

Agents add and remove them on the desk, requesters on their request in the portal, and mail
adds the addresses it was sent to (To/Cc) that are not the desk's own mailboxes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from caredesk.accounts.models import Contact
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.tickets.models import EventKind, Ticket, TicketCC
from caredesk.tickets.services import events
from caredesk.tickets.services.events import Actor

MAX_CCS = 20
MAX_ADDRESS = 254


def clean_address(value: str) -> str:
    """The address in lower case, or raise ValidationFailed with a field message."""
    address = (value or "").strip().lower()
    try:
        if not address or len(address) > MAX_ADDRESS:
            raise ValidationError("bad length")
        validate_email(address)
    except ValidationError:
        raise ValidationFailed(
            "The address could not be added.",
            errors={"email": ["Enter a valid email address, e.g. name@clinic.example."]},
        ) from None
    return address


def _added_by(actor: Actor) -> dict[str, object]:
    who = events.actor_fields(actor)
    return {"added_by_user": who["actor_user"], "added_by_contact": who["actor_contact"]}


def _refusal(ticket: Ticket, address: str) -> str:
    if ticket.requester.email and ticket.requester.email.lower() == address:
        return "This is the requester's own address."
    if ticket.ccs.count() >= MAX_CCS:
        return f"A ticket has at most {MAX_CCS} people in copy."
    return ""


@transaction.atomic
def cc_add(*, ticket: Ticket, email: str, actor: Actor, name: str = "") -> TicketCC:
    """Put an address in copy of the ticket's public replies (idempotent per address)."""
    address = clean_address(email)
    existing = ticket.ccs.filter(email=address).first()
    if existing is not None:
        return existing
    refusal = _refusal(ticket, address)
    if refusal:
        raise ValidationFailed("The address could not be added.", errors={"email": [refusal]})
    contact = Contact.objects.filter(email=address).first()
    cc = TicketCC.objects.create(
        ticket=ticket,
        email=address,
        name=" ".join((name or (contact.name if contact else "")).split())[:200],
        contact=contact,
        created_at=clock.now(),
        **_added_by(actor),
    )
    events.record(events.happened(ticket, EventKind.CC_ADDED, actor, email=address))
    return cc


@transaction.atomic
def cc_remove(*, ticket: Ticket, email: str, actor: Actor) -> None:
    """Take an address out of copy (idempotent)."""
    address = (email or "").strip().lower()
    removed, _ = TicketCC.objects.filter(ticket=ticket, email=address).delete()
    if removed:
        events.record(events.happened(ticket, EventKind.CC_REMOVED, actor, email=address))


def cc_remove_by_id(*, ticket: Ticket, cc_id: int, actor: Actor) -> str:
    """Take the ticket's CC `cc_id` out of copy; returns its address ('' when there is none)."""
    cc = ticket.ccs.filter(pk=cc_id).first()
    if cc is None:
        return ""
    cc_remove(ticket=ticket, email=cc.email, actor=actor)
    return cc.email


def ccs_add_quietly(
    *, ticket: Ticket, people: Iterable[tuple[str, str]], actor: Actor
) -> list[TicketCC]:
    """Add (address, name) pairs that are valid and not there yet, up to the limit, skipping
    the others without complaint (mail's recipients, a merged ticket's people)."""
    added = []
    for given, name in people:
        try:
            with transaction.atomic():
                address = clean_address(given)
                if ticket.ccs.filter(email=address).exists() or _refusal(ticket, address):
                    continue
                added.append(cc_add(ticket=ticket, email=address, name=name, actor=actor))
        except (ValidationFailed, IntegrityError):
            continue
    return added


def cc_addresses(ticket: Ticket) -> list[str]:
    """The addresses a public reply is copied to."""
    return list(TicketCC.objects.filter(ticket=ticket).values_list("email", flat=True))
