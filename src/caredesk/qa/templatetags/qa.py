"""Template filters of the QA screens."""

from __future__ import annotations

from django import template

from caredesk.qa.models import Mark

register = template.Library()
_LABELS = dict(Mark.choices)


@register.filter
def mark_of(marks: dict[int, str], criterion_id: int) -> str:
    """The label of the mark given to a criterion ("" when none)."""
    return str(_LABELS.get(marks.get(criterion_id, ""), ""))


@register.filter
def mark_label(mark: str) -> str:
    """A mark's words ("Partly met"), or a dash when none was given."""
    return str(_LABELS.get(mark, "–"))
