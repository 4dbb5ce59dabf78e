"""Template helpers for tickets: references, levels and the status a requester reads."""

from __future__ import annotations

from django import template
from django.conf import settings

from caredesk.tickets.models import REQUESTER_STATUS
from caredesk.tickets.pure import Level, ref_for

register = template.Library()


@register.filter
def requester_status(status: str) -> str:
    return REQUESTER_STATUS.get(status, status)


@register.filter
def level_short(priority: int) -> str:
    try:
        return Level(int(priority)).short
    except ValueError:
        return ""


@register.filter
def ticket_ref(pk: int) -> str:
    """The reference ("CD-1042") of a ticket known only by its id."""
    return ref_for(settings.CAREDESK_TICKET_PREFIX, int(pk))


@register.simple_tag
def ticket_prefix() -> str:
    return str(settings.CAREDESK_TICKET_PREFIX)
