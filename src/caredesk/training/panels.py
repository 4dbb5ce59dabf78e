"""What the desk's ticket page shows about training: assisted mode and the held replies."""

from __future__ import annotations

from typing import Any

from caredesk.training import selectors, services


def assisted_context(user: Any, ticket: Any) -> dict[str, Any]:
    """Why the viewer's replies are held on this ticket, and the replies waiting for approval
    (with whether the viewer may decide them): two queries on a gated category, one otherwise."""
    gate = selectors.gates().get(ticket.category_id)
    if gate is None:
        return {"assisted": "", "held_replies": [], "may_approve_held": False}
    reason = selectors.assisted_because(user, gate)
    held = selectors.held_on(ticket.pk)
    may = not reason and (user.has_perm(services.SIGNOFF) or user.has_perm(services.MANAGE))
    return {"assisted": reason, "held_replies": held, "may_approve_held": may}
