"""Presentation helpers for templates (kept out of models)."""

from __future__ import annotations

from django import template
from django.conf import settings

from caredesk.tickets.pure import Level

register = template.Library()

REQUESTER_STATUS = {
    "new": "Received",
    "open": "We're on it",
    "pending": "Waiting for you",
    "on_hold": "We're on it",
    "solved": "Solved",
    "closed": "Closed",
}


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
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.simple_tag
def ticket_prefix() -> str:
    return str(settings.CAREDESK_TICKET_PREFIX)
