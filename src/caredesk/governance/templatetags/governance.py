"""The top bar's count of breach notifications that are due soon or overdue."""

from __future__ import annotations

from django import template

from caredesk.governance.selectors import breach_alerts_count

register = template.Library()


@register.simple_tag
def breach_alerts_due() -> int:
    return breach_alerts_count()
