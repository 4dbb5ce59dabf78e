"""Escalation: a ticket moves up to another team and tier, with why, what was done and what is
next; a protocol may forbid it unless an override reason is given."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from caredesk.accounts.models import Team, Tier
from caredesk.core import clock
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import events
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.reactions import escalation_block, react
from caredesk.tickets.services.updates import apply_changes


class EscalationBlocked(Conflict):
    """The protocol says this ticket is not to be escalated; the message says why."""

    title = "Escalation blocked"


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    team: Team,
    actor: Actor,
    reason: str,
    action_taken: str = "",
    next_steps: str = "",
    tier: int | None = None,
    override_reason: str = "",
) -> Ticket:
    """Move a ticket up (to `team`, and its tier) and record why, what was done, what is next.

    A protocol can forbid it (the ticket's escalation block, or a rule reacting to the request);
    then it goes ahead only with an override reason, which is recorded with it.
    """
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Say why the ticket needs escalating."]
    if tier is not None and tier not in Tier.values:
        errors["tier"] = ["Choose tier 1, 2 or 3."]
    if errors:
        raise ValidationFailed("The ticket could not be escalated.", errors=errors)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.is_open:
        raise Conflict("Only open tickets can be escalated.")
    block = escalation_block(ticket=ticket, team=team, actor=actor)
    if block and not override_reason.strip():
        raise EscalationBlocked(block, errors={"override_reason": [block]})
    new_tier = tier or team.tier or min(ticket.tier + 1, Tier.TIER3)
    data: dict[str, Any] = {
        "from_team": ticket.team_id,
        "to_team": team.pk,
        "from_tier": ticket.tier,
        "to_tier": new_tier,
        "reason": reason.strip(),
        "action_taken": action_taken.strip(),
        "next_steps": next_steps.strip(),
    }
    if block:
        data.update(blocked_by=block, override_reason=override_reason.strip())
    now = clock.now()
    changes: dict[str, Any] = {"team": team, "tier": new_tier, "escalation_block": ""}
    if ticket.assignee_id and not team.members.filter(pk=ticket.assignee_id).exists():
        changes["assignee"] = None  # the new team picks it up
    changed, written = apply_changes(ticket, changes, actor, now)
    events.record(events.escalated(ticket, actor, data), *written)
    react(ticket, "field.changed", actor, changed=frozenset(changed))
    return ticket
