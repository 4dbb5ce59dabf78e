"""Builders for the QA tests: agents who reply on tickets in a given week, reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.qa.pure import week_bounds
from caredesk.tickets.models import Channel, MessageKind
from caredesk.tickets.services import Body, message_add
from tests.factories import AgentFactory, ContactFactory, make_ticket


def worked(
    clock: Any, agent: Any, *, week: str, count: int, channel: str = Channel.CHAT, offset: int = 0
) -> list[Any]:
    """`count` tickets the agent replied to publicly in `week` (the clock is moved inside it)."""
    start, _end = week_bounds(week)
    tickets = []
    requester = ContactFactory()
    for i in range(count):
        clock.set(start + timedelta(hours=1 + (offset + i) % 150))
        ticket = make_ticket(requester, channel=channel, subject=f"Visit {i}")
        message_add(
            ticket=ticket, kind=MessageKind.PUBLIC, body=Body(text="Try again now."), actor=agent
        )
        tickets.append(ticket)
    return tickets


@dataclass
class Panel:
    quality: Any
    lead: Any


def reviewers_panel() -> Panel:
    from tests.factories import supervisor

    return Panel(quality=AgentFactory(role=ROLE_QUALITY, name="Ines Quarry"), lead=supervisor())


def at(week: str, hours: int = 30) -> datetime:
    return week_bounds(week)[0] + timedelta(hours=hours)
