"""API test helpers: a JSON client per person (bearer token), a small world, problem checks."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import Contact, ContactKind, Organization, Team, User
from caredesk.accounts.services import token_create
from caredesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    requester_with_login,
    supervisor,
)

API = "/api/v1"
PROBLEM = "application/problem+json"


class ApiClient:
    """Django's test client speaking JSON to /api/v1 as one person, with their bearer token."""

    def __init__(self, user: User | None = None, *, client: Client | None = None) -> None:
        self.client = client or Client()
        self.user = user
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, secret = token_create(user=user, name="api tests")
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.send("post", path, json.dumps(body))

    def patch(self, path: str, body: Any) -> Any:
        return self.send("patch", path, json.dumps(body))

    def send(
        self, method: str, path: str, raw: str | bytes, content_type: str = "application/json"
    ) -> Any:
        return getattr(self.client, method)(
            API + path, raw, content_type=content_type, headers=self.headers
        )


@dataclass
class World:
    org: Organization  # Willowmere: the requester's clinic
    other_org: Organization
    team_a: Team
    team_b: Team
    agent: User  # team A, no view-all permission
    other_agent: User  # team B
    supervisor: User  # view-all permission
    requester: Contact  # org, patient with a portal login
    colleague: Contact  # org, another patient
    client_admin: Contact  # org, client admin
    outsider: Contact  # other org


@pytest.fixture
def world() -> World:
    org = OrganizationFactory(name="Willowmere Clinic")
    other_org = OrganizationFactory(name="Brackenfield Health")
    team_a = TeamFactory(name="Frontline", slug="frontline", tier=1)
    team_b = TeamFactory(name="Devices", slug="devices", tier=2)
    return World(
        org=org,
        other_org=other_org,
        team_a=team_a,
        team_b=team_b,
        agent=AgentFactory(name="Ines Marlow", teams=[team_a]),
        other_agent=AgentFactory(name="Oskar Fennimore", teams=[team_b]),
        supervisor=supervisor(name="Ruth Calloway"),
        requester=requester_with_login(
            name="June Halloway", email="june.halloway@patients.example", organization=org
        ),
        colleague=requester_with_login(name="Pavel Ostrander", organization=org),
        client_admin=requester_with_login(
            name="Office Manager", organization=org, kind=ContactKind.CLIENT_ADMIN
        ),
        outsider=requester_with_login(name="Tamsin Greaves", organization=other_org),
    )


@pytest.fixture
def api() -> Callable[..., ApiClient]:
    """api(user) -> a client that calls the API with a fresh token of `user`."""
    return ApiClient


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def assert_problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    """Assert an RFC 9457 problem with `status` whose `errors` name at least `fields`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if fields:
        assert set(fields) <= set(body.get("errors", {})), body
        for messages in body["errors"].values():
            assert messages and all(isinstance(m, str) and m for m in messages)
    return body


def counts() -> dict[str, int]:
    """Row counts of everything a refused request must not write."""
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": TicketEvent.objects.count(),
        "contacts": Contact.objects.count(),
    }
