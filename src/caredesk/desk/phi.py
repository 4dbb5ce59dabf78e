"""What the ticket page shows of structured fields and form answers: health information masked
for people who may not see it (unless they broke the glass), damaged values named as such."""

from __future__ import annotations

from dataclasses import dataclass

from caredesk.core.phi import Unreadable, is_phi_json
from caredesk.tickets.models import PHI_FIELDS, Ticket
from caredesk.tickets.pure import masked

DETAIL_LABELS = (
    ("patient_id", "Patient ID"),
    ("clinician_id", "Clinician ID"),
    ("encounter_id", "Encounter ID"),
    ("device_serial", "Device serial"),
    ("os", "OS"),
    ("browser", "Browser"),
    ("network", "Network"),
)


@dataclass(frozen=True)
class Shown:
    label: str
    value: str
    hidden: bool = False  # masked: health information this person may not see
    unreadable: bool = False  # stored value does not decrypt (changed, or its key is gone)


def _shown(label: str, value: object, *, phi: bool, visible: bool) -> Shown:
    text = "" if value is None else str(value)
    if isinstance(value, Unreadable):
        return Shown(label, "unreadable", unreadable=True)
    if phi and not visible:
        return Shown(label, masked(text), hidden=True)
    return Shown(label, text)


def ticket_details(ticket: Ticket, *, visible: bool) -> list[Shown]:
    """The structured fields that are set."""
    return [
        _shown(label, getattr(ticket, name), phi=name in PHI_FIELDS, visible=visible)
        for name, label in DETAIL_LABELS
        if getattr(ticket, name)
    ]


def form_answers(ticket: Ticket, *, visible: bool) -> list[Shown]:
    """The request form's answers, in the order given."""
    return [
        _shown(str(k), v, phi=is_phi_json(v), visible=visible)
        for k, v in (ticket.form_data or {}).items()
    ]


def requester_birth_date(ticket: Ticket, *, visible: bool) -> Shown | None:
    """The requester's date of birth, when known."""
    value = ticket.requester.date_of_birth
    return _shown("Date of birth", value, phi=True, visible=visible) if value else None
