"""@mentions through the API: the same note service, the same refusal (422 on `body`)."""

from __future__ import annotations

import pytest

from caredesk.core.models import Notification
from tests.api.conftest import ApiClient
from tests.factories import AgentFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_a_note_posted_through_the_api_mentions_and_refuses_like_the_desk(clock) -> None:  # type: ignore[no-untyped-def]
    tier1, engineering = TeamFactory(), TeamFactory()
    author = AgentFactory(teams=[tier1])
    dana = AgentFactory(name="Dana Reyes", teams=[tier1])
    AgentFactory(name="Omar Haddad", teams=[engineering])
    ticket = make_ticket(team=tier1)
    api = ApiClient(author)

    ok = api.post(
        f"/tickets/{ticket.pk}/messages", {"kind": "internal", "body": "@Dana Reyes see this"}
    )
    refused = api.post(
        f"/tickets/{ticket.pk}/messages", {"kind": "internal", "body": "@Omar Haddad see this"}
    )

    assert ok.status_code == 201, ok.content
    assert Notification.objects.filter(user=dana, ticket=ticket).count() == 1
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "Omar Haddad cannot see this ticket" in str(refused.json()["errors"]["body"])
