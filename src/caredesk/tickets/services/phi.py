"""Which answers are health information, so services store them encrypted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caredesk.core.phi import PhiText, Unreadable
from caredesk.tickets.models import PHI_FIELDS, RequestField, RequestType


def phi_answer_names(category: RequestType | int | None) -> frozenset[str]:
    """The answer names (field keys and labels, case-folded) an admin marked as PHI, with the
    answers that fill a PHI structured field."""
    if category is None:
        return frozenset()
    category_id = category if isinstance(category, int) else category.pk
    names: set[str] = set()
    rows = RequestField.objects.filter(request_type_id=category_id).values_list(
        "key", "label", "phi", "maps_to"
    )
    for key, label, phi, maps_to in rows:
        if phi or maps_to in PHI_FIELDS:
            names.update({key.casefold(), label.casefold()})
    return frozenset(names)


def seal_answers(answers: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """The answers with each PHI one marked to be stored encrypted."""
    return {k: PhiText(v) if _plain(v) and k.casefold() in names else v for k, v in answers.items()}


def _plain(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not isinstance(value, PhiText | Unreadable)
