"""The ticket page's incident card: the incident the ticket belongs to, or a way to link it to
an open one (the desk's template loads it; the desk itself never imports the incidents app)."""

from __future__ import annotations

from typing import Any

from django import template

from caredesk.incidents.linking import incident_of, open_incidents
from caredesk.incidents.models import OPEN_STATES

register = template.Library()


@register.inclusion_tag("incidents/_ticket_card.html", takes_context=True)
def incident_card(context: Any, ticket: Any) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("incidents.view_incident"):
        return {"shown": False}
    link = incident_of(ticket.pk)
    linked_open = link is not None and link.incident.state in OPEN_STATES
    choices = []
    if not linked_open and ticket.is_open and user.has_perm("incidents.manage_incident"):
        choices = list(open_incidents()[:20])
    return {
        "shown": link is not None or bool(choices),
        "link": link,
        "ticket": ticket,
        "choices": choices,
        "csrf_token": context.get("csrf_token"),
    }
