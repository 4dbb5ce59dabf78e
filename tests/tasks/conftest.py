"""A support team and an engineering team, an agent in each, and a ticket of support's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import AgentFactory, TeamFactory, make_ticket, requester_with_login


@pytest.fixture
def desk() -> tuple[Any, Any, Any, Any, Any]:
    """(support's agent, the engineer, the engineering team, the requester, their ticket)."""
    support, engineering = TeamFactory(name="Support"), TeamFactory(name="Engineering")
    agent = AgentFactory(teams=[support], name="Ada Support")
    engineer = AgentFactory(teams=[engineering], name="Eli Engineer")
    requester = requester_with_login()
    ticket = make_ticket(requester, team=support, assignee=agent, subject="Camera froze")
    return agent, engineer, engineering, requester, ticket
