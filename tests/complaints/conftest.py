from __future__ import annotations

from typing import Any

import pytest

from caredesk.accounts.roles import ROLE_QUALITY
from caredesk.sla.models import Calendar
from tests.factories import AgentFactory, ContactFactory, TeamFactory, make_ticket


@pytest.fixture
def work_calendar(settings: Any) -> Calendar:
    """Mon-Fri, New York, with Thanksgiving 2026 (Thursday 26 November) as a holiday."""
    calendar = Calendar.objects.create(
        name="Quality office (Eastern)",
        timezone="America/New_York",
        weekly_hours={str(d): [["09:00", "17:00"]] for d in range(5)},
        holidays=["2026-11-26"],
    )
    settings.CAREDESK_COMPLAINT_CALENDAR = calendar.name
    return calendar


@pytest.fixture
def team() -> Any:
    return TeamFactory(slug="tier-1-devices")


@pytest.fixture
def agent(team: Any) -> Any:
    return AgentFactory(teams=[team], name="Imogen Tallis")


@pytest.fixture
def quality() -> Any:
    return AgentFactory(role=ROLE_QUALITY, name="Dr. Okonkwo Reyes")


@pytest.fixture
def ticket(clock: Any, team: Any) -> Any:
    requester = ContactFactory(name="Marguerite Ashdown", email="m.ashdown@patients.example")
    return make_ticket(
        requester,
        subject="Infusion pump alarm did not sound",
        body="The pump stopped delivering and no alarm sounded. The patient felt dizzy.",
        structured={"device_serial": "IP-40417"},
        team=team,
    )
