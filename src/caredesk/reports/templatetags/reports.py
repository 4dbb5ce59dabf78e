from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def kpi(value: float | None, unit: str) -> str:
    """A KPI's value as the dashboards print it: one decimal, its unit, a dash for no data."""
    if value is None:
        return "–"
    if unit == "points":
        return f"{value:.0f}"
    return f"{value:.1f} {unit}"


@register.filter
def signed(value: Any) -> str:
    """A change with its sign (the minus sign, not a hyphen)."""
    if value is None:
        return "–"
    number = float(value)
    text = f"{abs(number):.1f}".removesuffix(".0")
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return "0"
