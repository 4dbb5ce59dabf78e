"""Template helpers for service levels: the badge of a clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

from caredesk.sla.clocks import humanize

register = template.Library()

SLA_ICONS = {"ok": "◷", "warning": "⚠", "breached": "✕", "paused": "⏸", "met": "✓"}


def _due_text(value: datetime | None) -> str:
    return f" due {dateformat.format(timezone.localtime(value), 'D j M, H:i T')}" if value else ""


@register.simple_tag
def sla_badge(view: Any, show_label: bool = False) -> str:
    """A badge that never relies on colour alone: icon and words as well."""
    if view is None:
        return ""
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
    due = _due_text(badge.due_at)
    label = format_html('<span class="sla-label">{}:</span> ', view.label) if show_label else ""
    return format_html(
        '<span class="sla sla-{}" title="{}{}"><span aria-hidden="true">{}</span> {}{}'
        '<span class="visually-hidden"> ({}{})</span></span>',
        state,
        view.label,
        due,
        SLA_ICONS[state],
        label,
        text,
        view.label,
        due.replace(" due", ", due", 1),
    )
