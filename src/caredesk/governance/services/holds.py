"""Legal holds: placing and releasing them."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from caredesk.accounts.models import Contact, Organization, User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.governance.models import LegalHold
from caredesk.tickets.models import Ticket


@transaction.atomic
def hold_place(
    *,
    reason: str,
    actor: User | None,
    organization: Organization | None = None,
    contact: Contact | None = None,
    ticket: Ticket | None = None,
    request: HttpRequest | None = None,
) -> LegalHold:
    """Place a legal hold on exactly one organization, requester or ticket."""
    targets = [t for t in (organization, contact, ticket) if t is not None]
    errors: dict[str, list[str]] = {}
    if len(targets) != 1:
        errors["organization"] = ["Choose exactly one: an organization, a requester or a ticket."]
    if not reason.strip():
        errors["reason"] = ["Say why the records must be kept (matter, request, case)."]
    if errors:
        raise ValidationFailed("The hold is incomplete.", errors=errors)
    hold = LegalHold.objects.create(
        organization=organization,
        contact=contact,
        ticket=ticket,
        target=_label(organization, contact, ticket),
        reason=reason.strip(),
        placed_by=actor,
        placed_at=clock.now(),
    )
    _audit(hold, AuditAction.HOLD_PLACED, actor, request)
    return hold


def _label(
    organization: Organization | None, contact: Contact | None, ticket: Ticket | None
) -> str:
    """What the hold is on, in words that stay true after the target is gone (no names)."""
    if organization is not None:
        return f"organization {organization.name}"[:200]
    if contact is not None:
        return f"requester #{contact.pk}"
    return f"ticket {ticket.ref}" if ticket is not None else ""


@transaction.atomic
def hold_release(
    *, hold: LegalHold, actor: User | None, reason: str = "", request: HttpRequest | None = None
) -> LegalHold:
    """Release a hold; its records follow their retention rules again."""
    if hold.released_at is not None:
        raise ValidationFailed("This hold is already released.", errors={"hold": ["Released."]})
    hold.released_at = clock.now()
    hold.released_by = actor
    hold.release_reason = reason.strip()
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    _audit(hold, AuditAction.HOLD_RELEASED, actor, request)
    return hold


def _audit(hold: LegalHold, action: str, actor: User | None, request: HttpRequest | None) -> None:
    organization_id = hold.organization_id
    if hold.contact_id and hold.contact is not None:
        organization_id = hold.contact.organization_id
    if hold.ticket_id and hold.ticket is not None:
        organization_id = hold.ticket.organization_id
    record(
        action=action,
        actor=actor,
        request=request,
        object_type="legal_hold",
        object_id=hold.pk,
        ticket_id=hold.ticket_id,
        organization_id=organization_id,
        # the reason stays on the hold: free text may name a person, and the chain is for ever
        fields=["reason"],
    )
