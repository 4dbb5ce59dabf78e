"""The results API: shapes, the agent's own rows, bad input as 422 with the field."""

from __future__ import annotations

import pytest

from caredesk.accounts.services import token_create
from caredesk.feedback.models import Kind, State, Survey
from tests.factories import AgentFactory, ContactFactory, TeamFactory, supervisor

pytestmark = pytest.mark.django_db


def _get(client, user, path):
    _token, secret = token_create(user=user, name="feedback")
    return client.get(path, headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def answered(clock):
    team = TeamFactory(name="Member services")
    mine, theirs = AgentFactory(teams=[team]), AgentFactory(teams=[team])
    contact = ContactFactory()
    for i, (agent, score) in enumerate([(mine, 5), (mine, 2), (theirs, 4)]):
        Survey.objects.create(
            kind=Kind.CSAT, state=State.SENT, token=f"api-{i}", contact=contact,
            due_at=clock.current, sent_at=clock.current, agent=agent, team=team, score=score,
            answered_at=clock.current,
        )  # fmt: skip
    return mine, theirs


def test_a_lead_gets_every_team_row(client, answered):
    got = _get(client, supervisor(), "/api/v1/feedback/csat?by=team").json()
    assert got["by"] == "team"
    (row,) = got["rows"]
    assert (row["label"], row["sent"], row["answered"], row["csat"]) == (
        "Member services", 3, 3, 66.7,
    )  # fmt: skip


def test_an_agent_gets_their_own_rows_only(client, answered):
    mine, _theirs = answered
    got = _get(client, mine, "/api/v1/feedback/csat?by=organization").json()
    assert got["by"] == "agent"
    assert [(r["key"], r["sent"], r["csat"]) for r in got["rows"]] == [(mine.pk, 2, 50.0)]


@pytest.mark.parametrize(
    "query",
    ["by=patient", "start=2026-13-01", "start=2026-11-10&end=2026-11-01", "quarter=x"],
)
def test_bad_input_is_a_422_naming_the_field(client, answered, query):
    path = "/api/v1/feedback/nps" if query.startswith("quarter") else "/api/v1/feedback/csat"
    response = _get(client, supervisor(), f"{path}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]


def test_nps_shape(client, answered):
    got = _get(client, supervisor(), "/api/v1/feedback/nps?quarter=2026-Q4").json()
    assert got["quarter"] == "2026-Q4" and got["total"]["nps"] is None and got["trend"] == []
