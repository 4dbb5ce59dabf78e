"""Helpers for the feedback tests: solve a ticket and book its survey, read the survey mail's
links from the outbox."""

from __future__ import annotations

import re
from typing import Any

from caredesk.core.models import OutboxItem
from caredesk.feedback import services
from caredesk.tickets.services import ticket_update

LINK = re.compile(r"https?://\S+/feedback/rate/(\S+?)/")


def solve(ticket: Any, actor: Any) -> Any:
    """Solve the ticket through the services, then run the sweep's booking (as the worker does
    within minutes)."""
    solved = ticket_update(ticket=ticket, changes={"status": "solved"}, actor=actor)
    services.surveys_book()
    return solved


def survey_mails(to: str) -> list[dict[str, Any]]:
    return [
        i.payload
        for i in OutboxItem.objects.order_by("pk")
        if to in i.payload.get("to", []) and "/feedback/rate/" in i.payload.get("body", "")
    ]


def rate_links(body: str) -> dict[int, str]:
    """Score -> the signed part of its link, from a survey mail's text."""
    found: dict[int, str] = {}
    for line in body.splitlines():
        m = re.match(r"^(\d+)\b.*?(https?://\S+/feedback/rate/(\S+?)/)", line)
        if m:
            found[int(m.group(1))] = m.group(3)
    return found
