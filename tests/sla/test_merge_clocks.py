"""After a merge the target's clocks are planned again: the longer wait counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caredesk.sla.models import Metric, SlaClock
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import EventKind, MessageKind, Ticket
from caredesk.tickets.services import Body, message_add
from caredesk.tickets.services.merge import ticket_merge
from tests.factories import AgentFactory, ContactFactory, OrganizationFactory, make_ticket

pytestmark = pytest.mark.django_db

# The clock fixture starts at 2026-11-02 14:00 UTC: Monday 09:00 in New York. Level 3 on the
# shipped Standard policy: first response within 4 business hours.
MONDAY_9_NY = datetime(2026, 11, 2, 14, tzinfo=UTC)


@pytest.fixture
def people():
    org = OrganizationFactory(name="Northgate Health")
    agent = AgentFactory(name="Ines Marlow")
    return (
        agent,
        ContactFactory(name="Odette Larkin", organization=org),
        ContactFactory(name="Bram Okafor", organization=org),
    )


def clock_of(ticket: Ticket, metric: str) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, metric=metric)


def test_an_older_unanswered_source_brings_its_earlier_first_response_due(clock, people):
    agent, first, second = people
    older = make_ticket(requester=first, subject="Video froze", priority=3)
    due_of_older = clock_of(older, Metric.FIRST_RESPONSE).due_at
    assert due_of_older == MONDAY_9_NY + timedelta(hours=4)
    clock.advance(hours=1)
    newer = make_ticket(requester=second, subject="Video froze here too", priority=3)
    assert clock_of(newer, Metric.FIRST_RESPONSE).due_at == MONDAY_9_NY + timedelta(hours=5)
    clock.advance(minutes=30)
    ticket_merge(source=older, into=newer, actor=agent)
    fr = clock_of(newer, Metric.FIRST_RESPONSE)
    assert fr.due_at == due_of_older  # the older request's wait carried over
    newer.refresh_from_db()
    assert newer.sla_due_at == due_of_older
    assert clock_of(older, Metric.FIRST_RESPONSE).stopped_at == clock.current  # closed
    # the carried-over promise breaches on time, on the ticket the conversation continues on
    clock.set(due_of_older + timedelta(minutes=1))
    sla_tick()
    breached = newer.events.filter(kind=EventKind.SLA_BREACHED)
    assert [e.data["metric"] for e in breached] == [Metric.FIRST_RESPONSE]
    # answering the merged ticket stops it
    message_add(ticket=newer, kind=MessageKind.PUBLIC, body=Body(text="On it."), actor=agent)
    assert clock_of(newer, Metric.FIRST_RESPONSE).stopped_at is not None


def test_a_newer_source_leaves_the_targets_earlier_due_as_it_was(clock, people):
    agent, first, second = people
    older = make_ticket(requester=first, subject="Video froze", priority=3)
    due = clock_of(older, Metric.FIRST_RESPONSE).due_at
    clock.advance(hours=1)
    newer = make_ticket(requester=second, subject="Same here", priority=3)
    clock.advance(minutes=10)
    ticket_merge(source=newer, into=older, actor=agent)
    assert clock_of(older, Metric.FIRST_RESPONSE).due_at == due


def test_an_answered_source_brings_no_first_response_obligation(clock, people):
    agent, first, second = people
    older = make_ticket(requester=first, subject="Video froze", priority=3)
    clock.advance(minutes=20)
    message_add(ticket=older, kind=MessageKind.PUBLIC, body=Body(text="Looking."), actor=agent)
    clock.advance(minutes=40)
    newer = make_ticket(requester=second, subject="Same here", priority=3)
    clock.advance(minutes=10)
    ticket_merge(source=older, into=newer, actor=agent)
    assert clock_of(newer, Metric.FIRST_RESPONSE).due_at == MONDAY_9_NY + timedelta(hours=5)


def test_an_unanswered_source_makes_an_answered_target_owe_a_next_response(clock, people):
    agent, first, second = people
    target = make_ticket(requester=first, subject="Video froze", priority=3)
    clock.advance(minutes=10)
    message_add(ticket=target, kind=MessageKind.PUBLIC, body=Body(text="Looking."), actor=agent)
    clock.advance(minutes=20)
    waiting = make_ticket(requester=second, subject="Same here", priority=3)
    assert not SlaClock.objects.filter(ticket=target, metric=Metric.NEXT_RESPONSE).exists()
    clock.advance(minutes=30)
    ticket_merge(source=waiting, into=target, actor=agent)
    nr = clock_of(target, Metric.NEXT_RESPONSE)
    # the next response (4 business hours at level 3) counts from the source's opening
    assert nr.due_at == MONDAY_9_NY + timedelta(minutes=30) + timedelta(hours=4)
    assert nr.running_since is not None
    message_add(ticket=target, kind=MessageKind.PUBLIC, body=Body(text="Fixed."), actor=agent)
    assert clock_of(target, Metric.NEXT_RESPONSE).stopped_at is not None
