"""What the desk and portal screen tests share: a team, an agent of it signed in to the desk,
and a requester signed in to the portal. A module that needs another team or person keeps its
own fixture of the same name."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Contact, Team, User
from tests.factories import AgentFactory, TeamFactory, requester_with_login, signed_in


@pytest.fixture
def team() -> Team:
    return TeamFactory(name="Frontline", slug="frontline")


@pytest.fixture
def agent(team: Team) -> User:
    return AgentFactory(name="Ines Marlow", teams=[team])


@pytest.fixture
def desk(agent: User) -> Client:
    return signed_in(agent)


@pytest.fixture
def requester() -> Contact:
    return requester_with_login(name="Wilhelmina Fairweather")


@pytest.fixture
def portal(requester: Contact) -> Client:
    return signed_in(requester.user)
