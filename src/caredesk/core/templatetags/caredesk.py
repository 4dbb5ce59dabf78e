"""Presentation helpers for templates (kept out of models)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from caredesk.sla.clocks import humanize
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


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


SLA_ICONS = {"ok": "◷", "warning": "⚠", "breached": "✕", "paused": "⏸", "met": "✓"}


@register.inclusion_tag("_sla_badge.html")
def sla_badge(view: Any, show_label: bool = False) -> dict[str, Any]:
    """A badge that never relies on colour alone: icon and words as well."""
    if view is None:
        return {"view": None}
    badge = view.badge
    state = str(badge.state)
    amount = humanize(badge.remaining)
    text = {
        "ok": f"{amount} left",
        "warning": f"{amount} left",
        "breached": f"+{amount} late" if badge.remaining.total_seconds() < 0 else "Breached",
        "paused": "Paused",
        "met": "Met",
    }[state]
    return {
        "view": view,
        "state": state,
        "icon": SLA_ICONS[state],
        "text": text,
        "label": view.label,
        "show_label": show_label,
        "due_at": badge.due_at,
    }
