"""Lists and counts for an agent who sees only part of the desk.

On PostgreSQL these run as a UNION of one index-ordered branch per way of seeing a ticket
(no team, each of my teams, assigned to me, followed by me); on SQLite as one OR filter. Both
must give the same tickets, in the same order, page after page, with exact counts.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.tickets import selectors
from caredesk.tickets.services import follower_add, ticket_update
from tests.factories import AgentFactory, ContactFactory, TeamFactory, make_ticket, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(clock):
    """Tickets across four teams; the agent belongs to two of them."""
    teams = [TeamFactory(name=f"Team {n}") for n in "ABCD"]
    agent = AgentFactory(teams=teams[:2])
    lead = supervisor()
    requester = ContactFactory()
    made = {}
    for i in range(24):
        clock.advance(minutes=7)
        team = teams[i % 4] if i % 6 else None
        made[i] = make_ticket(requester, team=team, subject=f"Ticket {i:02d}")
    # outside the agent's teams, but theirs by assignment or by following
    clock.advance(minutes=7)
    ticket_update(ticket=made[3], changes={"assignee": agent}, actor=lead)  # team D
    follower_add(ticket=made[7], follower=agent, actor=agent)  # team D
    ticket_update(ticket=made[2], changes={"status": "solved"}, actor=lead)  # team C, closed set
    return agent, teams, made


def _all_pages(user, queue: str, sort: str = "-updated", limit: int = 4) -> list[str]:
    subjects, cursor = [], None
    for _ in range(50):
        page = selectors.ticket_page(
            user=user,
            filters=selectors.TicketFilters(queue=queue, sort=sort),
            cursor=cursor,
            limit=limit,
        )
        subjects += [t.subject for t in page.items]
        if not page.next_cursor:
            return subjects
        cursor = page.next_cursor
    raise AssertionError("paging did not end")


def _expected(user, queue: str) -> list[str]:
    """The same list the slow way: every ticket, checked one by one in Python."""
    visible = [t for t in selectors.tickets_visible(user)]
    if queue == "open":
        visible = [t for t in visible if t.is_open]
    visible.sort(key=lambda t: (t.updated_at, t.pk), reverse=True)
    return [t.subject for t in visible]


def test_an_agent_sees_unteamed_own_team_assigned_and_followed_tickets(desk):
    agent, _teams, made = desk
    subjects = set(_all_pages(agent, "all"))
    own_teams = {f"Ticket {i:02d}" for i in range(24) if i % 6 and i % 4 in (0, 1)}
    unteamed = {f"Ticket {i:02d}" for i in range(24) if i % 6 == 0}
    assert subjects == own_teams | unteamed | {"Ticket 03", "Ticket 07"}


@pytest.mark.parametrize("queue", ["all", "open"])
@pytest.mark.parametrize("limit", [1, 4, 25])
def test_pages_follow_one_order_without_gaps_or_repeats(desk, queue, limit):
    agent, _teams, _made = desk
    pages = _all_pages(agent, queue, limit=limit)
    assert pages == _expected(agent, queue)
    assert len(pages) == len(set(pages))


def test_oldest_first_pages_too(desk):
    agent, _teams, _made = desk
    assert _all_pages(agent, "all", sort="created", limit=3) == sorted(_expected(agent, "all"))


def test_counts_are_exact_for_an_agent_who_sees_part_of_the_desk(desk):
    agent, _teams, made = desk
    counts = selectors.queue_counts(agent)
    assert counts["open"] == len(_expected(agent, "open"))
    assert counts["mine"] == 1  # ticket 3, by assignment
    mine = set(agent.teams.values_list("pk", flat=True))
    assert counts["team"] == len([t for t in made.values() if t.team_id in mine])
    assert counts["unassigned"] == counts["open"] - 1


def test_on_postgresql_each_way_of_seeing_is_its_own_indexed_branch(desk):
    agent, _teams, _made = desk
    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot order and limit UNION branches; it uses one OR filter")
    with CaptureQueriesContext(connection) as ctx:
        selectors.ticket_page(user=agent, filters=selectors.TicketFilters(queue="open"))
    union = [q["sql"] for q in ctx.captured_queries if " UNION " in q["sql"]]
    assert len(union) == 1 and union[0].count("LIMIT") == 5  # no team, 2 teams, mine, followed


def test_a_supervisor_sees_everything(desk):
    _agent, _teams, _made = desk
    lead = supervisor()
    assert len(_all_pages(lead, "all", limit=10)) == 24
