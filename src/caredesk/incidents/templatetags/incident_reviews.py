"""Template filters of the incident reviews."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> str:
    """A duration as "4 min 30 s", "1 h 05 min" or "2 d 3 h" (to the second under an hour)."""
    if value is None:
        return "–"
    seconds = round(value.total_seconds())
    if seconds < 3600:
        m, s = divmod(seconds, 60)
        return f"{m} min {s:02d} s" if s else f"{m} min"
    hours, rest = divmod(seconds // 60, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min"
    return f"{hours // 24} d {hours % 24} h"
