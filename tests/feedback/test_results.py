"""Results per dimension against a recomputation from the rows, the agent's own view, follow-ups
from a comment, and constant query counts on the Feedback screen."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from caredesk.feedback import pure, selectors, services
from caredesk.feedback.models import Kind, State, Survey
from caredesk.tickets.models import Channel, Ticket
from tests.factories import (
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    RequestTypeFactory,
    TeamFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 10, 1, tzinfo=UTC)


def _population(n: int, seed: int = 7) -> list[Survey]:
    """Surveys with random dimensions, sent over two months, some answered."""
    rng = random.Random(seed)
    agents = [AgentFactory() for _ in range(3)]
    teams = [TeamFactory() for _ in range(2)]
    orgs = [OrganizationFactory() for _ in range(2)]
    kinds = [RequestTypeFactory() for _ in range(2)]
    contact = ContactFactory()
    rows = []
    for i in range(n):
        sent = START + timedelta(hours=rng.randrange(0, 24 * 60))
        score = rng.choice([None, 1, 2, 3, 4, 5])
        rows.append(
            Survey(
                kind=Kind.CSAT,
                state=State.SENT,
                token=f"t{seed}-{i}",
                contact=contact,
                due_at=sent,
                sent_at=sent,
                agent=rng.choice([*agents, None]),
                team=rng.choice(teams),
                category=rng.choice([*kinds, None]),
                channel=rng.choice([Channel.EMAIL, Channel.PORTAL, Channel.CHAT]),
                organization=rng.choice([*orgs, None]),
                score=score,
                answered_at=sent if score else None,
            )
        )
    Survey.objects.bulk_create(rows)
    return list(Survey.objects.all())


@pytest.mark.parametrize("dimension", sorted(selectors.DIMENSIONS))
def test_results_per_dimension_match_a_recomputation(dimension):
    everything = _population(120)
    start, end = START + timedelta(days=10), START + timedelta(days=40)
    rows, total = selectors.csat_results(dimension=dimension, start=start, end=end)
    column = selectors.DIMENSIONS[dimension][0]
    inside = [s for s in everything if start <= s.sent_at < end]
    expected: dict[object, list[Survey]] = {}
    for s in inside:
        expected.setdefault(getattr(s, column), []).append(s)
    got = {r.key: r for r in rows}
    assert set(got) == set(expected)
    for key, surveys in expected.items():
        scores = [s.score for s in surveys if s.score is not None]
        assert got[key].sent == len(surveys)
        assert got[key].answered == len(scores)
        assert got[key].csat == pure.csat(scores)
        assert got[key].response_rate == pure.percent(len(scores), len(surveys))
    assert total.sent == len(inside)


def test_an_agent_sees_their_own_answers_only():
    everything = _population(60)
    agent = next(s.agent for s in everything if s.agent is not None)
    end = START + timedelta(days=61)
    rows, total = selectors.csat_results(dimension="team", start=START, end=end, agent=agent)
    assert total.sent == sum(1 for s in everything if s.agent_id == agent.pk)


def test_the_screen_costs_the_same_queries_for_few_and_many(client, django_assert_max_num_queries):
    lead = supervisor()
    login_verified(client, lead)
    _population(10, seed=1)
    url = "/agent/feedback/?start=2026-10-01&end=2026-12-31&by=organization"
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _population(200, seed=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_bad_filter_is_a_field_error_not_a_failure(client):
    login_verified(client, supervisor())
    page = client.get("/agent/feedback/?start=2026-12-01&end=2026-11-01&by=nonsense")
    assert page.status_code == 422
    body = page.content.decode()
    assert "The end comes before the start" in body and "Select a valid choice" in body


def test_follow_up_opens_a_linked_ticket_with_the_comment(clock):
    team = TeamFactory()
    agent = AgentFactory(teams=[team])
    ticket = make_ticket(ContactFactory(email="mara.fenn@example.org"), team=team, assignee=agent)
    from tests.feedback.conftest import solve

    solve(ticket, agent)
    clock.advance(hours=25)
    services.surveys_send()
    survey = Survey.objects.get(ticket=ticket)
    services.answer_record(token=survey.token, score=1, comment="Nobody called me back.")
    opened = services.follow_up_open(survey=survey, actor=agent)
    assert opened.requester_id == ticket.requester_id and opened.assignee_id == agent.pk
    assert opened.team_id == team.pk and ticket.ref in opened.subject
    texts = list(opened.messages.order_by("pk").values_list("body_text", flat=True))
    assert "Nobody called me back." in texts[0] and "rated 1 (Very poor)" in texts[1]
    survey.refresh_from_db()
    assert survey.follow_up_id == opened.pk
    from caredesk.core.errors import Conflict

    with pytest.raises(Conflict):
        services.follow_up_open(survey=survey, actor=agent)
    assert Ticket.objects.count() == 2


def test_the_demo_has_answered_surveys_to_show():
    from caredesk.demo import demo_load

    demo_load(tickets=40)
    sent = Survey.objects.filter(kind=Kind.CSAT, state=State.SENT)
    assert sent.exists() and sent.filter(score__isnull=False).exists()
    assert Survey.objects.filter(kind=Kind.NPS, state=State.SENT).exists()
