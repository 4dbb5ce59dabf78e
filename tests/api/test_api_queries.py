"""Lists cost a constant number of queries, however many rows the page holds."""

from __future__ import annotations

import pytest
from django.db import connection

from caredesk.tickets.models import MessageKind
from caredesk.tickets.services import Body, Upload, message_add
from tests.factories import ContactFactory, OrganizationFactory, RequestTypeFactory, make_ticket

pytestmark = pytest.mark.django_db

# Measured, and kept tight on purpose: a new query per request is a decision, not an accident.
# tickets: token, 2 permission lookups (requesters: their contact), the page, its tags,
# the SLA clocks of the page; on PostgreSQL an agent who sees part of the desk pays 2 more
# (their team ids, then the ids of a UNION of index-ordered branches before the page itself)
# Reads of tickets and messages are also recorded in the access audit: inside a test's
# transaction a savepoint, the chain's head, one INSERT for the whole page and the savepoint's
# release (outside a transaction on PostgreSQL: the head and the INSERT only); the reader's role
# is read once, then kept for 30 seconds
AUDIT = 4
TICKETS_BUDGET = (6 if connection.vendor == "sqlite" else 8) + AUDIT
# messages: token, 2 permission lookups, the ticket, the messages with authors, attachments
MESSAGES_BUDGET = 6 + AUDIT
# directory: token, 2 permission lookups (the role decides what is listed), the page with its joins
DIRECTORY_BUDGET = 4


def seed_tickets(world, n: int) -> None:
    """Tickets with every relation the serializer reads filled in."""
    rtype = RequestTypeFactory()
    for i in range(n):
        make_ticket(
            world.requester if i % 2 else world.colleague,
            subject=f"Ticket {i}",
            team=world.team_a,
            assignee=world.agent,
            category=rtype,
            tags=("video", f"batch-{i % 3}"),
            structured={"os": "iOS 18"},
        )


@pytest.mark.parametrize("who", ["supervisor", "agent", "client_admin"])
def test_ticket_list_queries_do_not_grow_with_the_page(
    world, api, clock, who, django_assert_max_num_queries, django_assert_num_queries
):
    user = getattr(world, who)
    client = api(getattr(user, "user", user))
    seed_tickets(world, 5)
    # the token's first use is recorded once; the reader's role is read once, then kept
    assert client.get("/tickets").status_code == 200
    with django_assert_max_num_queries(TICKETS_BUDGET) as small:
        response = client.get("/tickets", limit=100)
    assert len(response.json()["items"]) == 5
    seed_tickets(world, 35)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/tickets", limit=100)
    items = response.json()["items"]
    assert len(items) == 40
    assert all(t["tags"] and t["team"] and t["assignee"] and t["category"] for t in items)


def test_message_list_queries_do_not_grow_with_the_conversation(
    world, api, clock, django_assert_max_num_queries, django_assert_num_queries
):
    ticket = make_ticket(world.requester, team=world.team_a)
    client = api(world.agent)
    assert client.get(f"/tickets/{ticket.pk}").status_code == 200

    def add(n: int) -> None:
        for i in range(n):
            agent = i % 2 == 1
            message_add(
                ticket=ticket,
                kind=MessageKind.INTERNAL if agent and i % 3 == 0 else MessageKind.PUBLIC,
                body=Body(text=f"Message {i}"),
                actor=world.agent if agent else world.requester,
                uploads=(Upload(filename=f"log{i}.txt", content_type="text/plain", data=b"x"),),
            )

    add(2)
    with django_assert_max_num_queries(MESSAGES_BUDGET) as small:
        response = client.get(f"/tickets/{ticket.pk}/messages")
    assert len(response.json()) == 3
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/tickets/{ticket.pk}/messages")
    assert len(response.json()) == 23
    assert sum(len(m["attachments"]) for m in response.json()) == 22


@pytest.mark.parametrize("path", ["/organizations", "/contacts"])
def test_directory_lists_do_not_grow_with_the_page(
    world, api, clock, path, django_assert_max_num_queries, django_assert_num_queries
):
    client = api(world.agent)
    assert client.get(path).status_code == 200
    with django_assert_max_num_queries(DIRECTORY_BUDGET) as small:
        client.get(path, limit=100)
    for _ in range(30):
        org = OrganizationFactory(account_manager=world.supervisor)
        ContactFactory(organization=org)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(path, limit=100)
    assert len(response.json()["items"]) > 30
