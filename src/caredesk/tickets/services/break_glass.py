"""Break the glass: someone without access to PHI sees one ticket's health information for a
while, for a reason they give; it is recorded on the ticket and compliance officers are told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import User
from caredesk.compliance import audit
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.notify import notify
from caredesk.tickets.models import PHI_FIELDS, BreakGlassGrant, EventKind, Ticket
from caredesk.tickets.selectors import can_view_phi, compliance_officers
from caredesk.tickets.services import events

MIN_REASON_CHARS = 15
MAX_REASON_CHARS = 1000


def _checked_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) < MIN_REASON_CHARS:
        raise ValidationFailed(
            "Say why you need to see the health information.",
            errors={"reason": [f"Write at least {MIN_REASON_CHARS} characters: why you need it."]},
        )
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed(
            "The reason is too long.",
            errors={"reason": [f"Keep the reason to {MAX_REASON_CHARS:,} characters or fewer."]},
        )
    return text


@transaction.atomic
def break_glass_open(
    *, user: User, ticket: Ticket, reason: str, request: Any = None
) -> BreakGlassGrant:
    """Show `ticket`'s health information to `user` for CAREDESK_BREAK_GLASS_MINUTES.

    Writes the grant and a ticket event, and notifies the compliance officers (without the
    reason, which may itself hold health information; it is on the ticket's history). `request`
    is the HTTP request it came from (address and browser for the access audit), or None."""
    text = _checked_reason(reason)
    if can_view_phi(user):
        raise Conflict("You already see this ticket's health information.")
    now = clock.now()
    grant = BreakGlassGrant.objects.create(
        user=user,
        ticket=ticket,
        reason=text,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.CAREDESK_BREAK_GLASS_MINUTES),
    )
    events.record(
        events.happened(
            ticket,
            EventKind.PHI_UNMASKED,
            user,
            reason=text,
            until=grant.expires_at.isoformat(),
            grant=grant.pk,
        )
    )
    audit.record(
        action=AuditAction.PHI_UNMASKED,
        actor=user,
        request=request,
        object_type="ticket",
        object_id=ticket.pk,
        ticket_id=ticket.pk,
        organization_id=ticket.organization_id,
        fields=PHI_FIELDS,
        reason=text,
    )
    notify(
        users=list(compliance_officers()),
        text=f"{user.name} broke the glass: health information shown on {ticket.ref}",
        ticket=ticket,
    )
    return grant
