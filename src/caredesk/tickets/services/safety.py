"""The safety screen on tickets: customer texts raise a ticket's safety; agents mark, clear and
review it with a reason. A finding only raises (possible, then event), never lowers, and a
clear never silences what a later message says."""

from __future__ import annotations

from django.db import transaction

from caredesk.accounts.capabilities import works_tickets
from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import PermissionDenied, ValidationFailed
from caredesk.safety import Finding, screen
from caredesk.tickets.models import EventKind, Safety, Ticket, TicketEvent
from caredesk.tickets.services import events
from caredesk.tickets.services.clocks import clocks_sync
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.reactions import react

MIN_REASON_CHARS = 10
SAFETY_REVIEW_MINUTES = 15  # a liaison reviews a possible safety report within this
MAX_REASON_CHARS = 1000
ACTIONS = ("mark", "clear", "review")
_RANK = {Safety.NONE: 0, Safety.POSSIBLE: 1, Safety.EVENT: 2}
SAFETY_EVENT_KINDS = (
    EventKind.SAFETY_FLAGGED,
    EventKind.SAFETY_MARKED,
    EventKind.SAFETY_CLEARED,
    EventKind.SAFETY_REVIEWED,
)
SAFETY_COLUMNS = ["safety", "safety_codes", "safety_flagged_at", "safety_reviewed_at"]


def safety_screen(ticket: Ticket, text: str, actor: Actor) -> TicketEvent | None:
    """Screen a customer's text and raise `ticket`'s safety in memory; the unsaved event.

    The caller saves the ticket's safety columns and records the event in its transaction."""
    finding = screen(text)
    if not finding.flagged:
        return None
    return _raise(ticket, finding, actor)


def _raise(ticket: Ticket, finding: Finding, actor: Actor) -> TicketEvent | None:
    outcome = Safety(finding.outcome)
    codes = list(dict.fromkeys([*ticket.safety_codes, *finding.codes]))
    raised = _RANK[outcome] > _RANK[Safety(ticket.safety)]
    if not raised and codes == ticket.safety_codes:
        return None
    if raised:
        ticket.safety = outcome
        ticket.safety_flagged_at = clock.now()
        ticket.safety_reviewed_at = None  # a raised finding is reviewed anew
    ticket.safety_codes = codes
    return events.safety_flagged(ticket, actor, finding=finding, raised_to=ticket.safety)


def _checked_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) < MIN_REASON_CHARS:
        raise ValidationFailed(
            "Say why.",
            errors={"reason": [f"Write at least {MIN_REASON_CHARS} characters: why."]},
        )
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed(
            "The reason is too long.",
            errors={"reason": [f"Keep the reason to {MAX_REASON_CHARS:,} characters or fewer."]},
        )
    return text


def _checked(action: str, outcome: str, reason: str, actor: Actor) -> tuple[str, str]:
    if not isinstance(actor, User) or not works_tickets(actor):
        raise PermissionDenied("Only people who work tickets may mark or clear safety.")
    errors: dict[str, list[str]] = {}
    if action not in ACTIONS:
        errors["action"] = ["Choose mark, clear or review."]
    if action == "mark" and outcome not in (Safety.POSSIBLE, Safety.EVENT):
        errors["outcome"] = ["Choose a safety event or possible safety."]
    if errors:
        raise ValidationFailed("The safety decision could not be recorded.", errors=errors)
    text = " ".join(reason.split())
    if action == "review" and not text:
        return action, ""
    return action, _checked_reason(reason)


@transaction.atomic
def safety_decide(
    *, ticket: Ticket, action: str, actor: Actor, reason: str, outcome: str = ""
) -> Ticket:
    """Mark (possible or event), clear, or record the review of a ticket's safety."""
    action, reason = _checked(action, outcome, reason, actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    old, now = ticket.safety, clock.now()
    if action == "mark":
        ticket.safety = Safety(outcome)
        ticket.safety_flagged_at = now
        ticket.safety_reviewed_at = now  # an agent's own decision needs no second look
        kind = EventKind.SAFETY_MARKED
    elif action == "clear":
        ticket.safety, ticket.safety_codes = Safety.NONE, []
        ticket.safety_reviewed_at = now
        kind = EventKind.SAFETY_CLEARED
    else:
        ticket.safety_reviewed_at = now
        kind = EventKind.SAFETY_REVIEWED
    ticket.updated_at = now
    ticket.save(update_fields=[*SAFETY_COLUMNS, "updated_at"])
    events.record(
        events.safety_decided(ticket, kind, actor, old=old, new=ticket.safety, reason=reason)
    )
    if ticket.safety != old:
        clocks_sync(ticket=ticket, now=now)  # flagged tickets count on the clinical calendar
        react(ticket, "field.changed", actor, changed=frozenset({"safety"}))
    return ticket
