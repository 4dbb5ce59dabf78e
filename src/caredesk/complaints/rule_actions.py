"""The protocols' `open_complaint` action: a safety event or a device complaint opens the
ticket's complaint file (once; registered with the rules in ComplaintsConfig.ready())."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caredesk.complaints.services import complaint_open
from caredesk.rules.actions import action_register
from caredesk.tickets.models import Ticket


def _open(ticket: Ticket, params: Mapping[str, Any]) -> None:
    complaint_open(ticket=ticket, actor=None)


def register() -> None:
    action_register("open_complaint", _open)
