"""Bulk changes: each ticket through the ticket services, refusals per ticket with reasons."""

from __future__ import annotations

import pytest

from caredesk.core.errors import ValidationFailed
from caredesk.tickets.models import EventKind, Status, Ticket, TicketEvent
from caredesk.tickets.services import BulkChanges, ticket_update, tickets_bulk_update
from tests.factories import AgentFactory, TeamFactory, make_ticket
from tests.factories import supervisor as make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="Frontline", slug="frontline")


@pytest.fixture
def agent(team):
    return AgentFactory(name="Ines Marlow", teams=[team])


def _events(ticket, kind=None):
    qs = TicketEvent.objects.filter(ticket=ticket)
    return qs.filter(kind=kind) if kind else qs


def test_assigning_a_selection_writes_one_event_per_ticket(agent, team):
    tickets = [make_ticket(team=team) for _ in range(3)]
    results = tickets_bulk_update(
        ticket_ids=[t.pk for t in tickets], changes=BulkChanges(assignee=agent), actor=agent
    )
    assert [r.outcome for r in results] == ["changed"] * 3
    for t in tickets:
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.assignee == agent
        assert _events(t, EventKind.ASSIGNED).count() == 1
        assert _events(t, EventKind.ASSIGNED).get().actor_user == agent


def test_tickets_already_as_asked_are_reported_unchanged_and_get_no_event(agent, team):
    ticket = make_ticket(team=team)
    ticket_update(ticket=ticket, changes={"priority": 2}, actor=agent)
    before = _events(ticket).count()
    [result] = tickets_bulk_update(
        ticket_ids=[ticket.pk], changes=BulkChanges(priority=2), actor=agent
    )
    assert result.outcome == "unchanged"
    assert _events(ticket).count() == before


def test_tickets_the_agent_cannot_see_are_refused_without_saying_they_exist(agent, team):
    other_team = TeamFactory(slug="devices")
    hidden = make_ticket(team=other_team)
    mine = make_ticket(team=team)
    results = tickets_bulk_update(
        ticket_ids=[hidden.pk, mine.pk, 999_999],
        changes=BulkChanges(status=Status.PENDING),
        actor=agent,
    )
    assert [r.outcome for r in results] == ["refused", "changed", "refused"]
    assert results[0].reason == results[2].reason  # unseen and missing read the same
    assert results[0].ref == "" and Ticket.objects.get(pk=hidden.pk).status != Status.PENDING


def test_a_closed_ticket_cannot_be_reopened_and_the_others_still_change(agent, team):
    closed, open_one = make_ticket(team=team), make_ticket(team=team)
    ticket_update(ticket=closed, changes={"status": Status.CLOSED}, actor=agent)
    results = tickets_bulk_update(
        ticket_ids=[closed.pk, open_one.pk], changes=BulkChanges(status=Status.OPEN), actor=agent
    )
    assert results[0].outcome == "refused" and "closed" in results[0].reason
    assert results[1].outcome in ("changed", "unchanged")
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED


def test_a_protocols_block_keeps_the_ticket_in_its_team(agent, team):
    blocked, free = make_ticket(team=team), make_ticket(team=team)
    ticket_update(
        ticket=blocked, changes={"escalation_block": "Member services keep it."}, actor=None
    )
    engineering = TeamFactory(slug="engineering")
    results = tickets_bulk_update(
        ticket_ids=[blocked.pk, free.pk], changes=BulkChanges(team=engineering), actor=agent
    )
    assert results[0].outcome == "refused"
    assert "Member services keep it." in results[0].reason
    assert results[1].outcome == "changed"
    assert Ticket.objects.get(pk=blocked.pk).team == team


def test_tags_are_added_and_removed_per_ticket(agent, team):
    a = make_ticket(team=team, tags=["vip", "old"])
    b = make_ticket(team=team)
    results = tickets_bulk_update(
        ticket_ids=[a.pk, b.pk],
        changes=BulkChanges(tags_add=("Follow Up",), tags_remove=("old",)),
        actor=agent,
    )
    assert [r.changed for r in results] == [("tags",), ("tags",)]
    assert sorted(a.tags.values_list("name", flat=True)) == ["follow-up", "vip"]
    assert list(b.tags.values_list("name", flat=True)) == ["follow-up"]


def test_unassigning(agent, team):
    ticket = make_ticket(team=team)
    ticket_update(ticket=ticket, changes={"assignee": agent}, actor=agent)
    [result] = tickets_bulk_update(
        ticket_ids=[ticket.pk], changes=BulkChanges(unassign=True), actor=agent
    )
    assert result.changed == ("assignee",)
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


@pytest.mark.parametrize(
    ("ids", "changes", "field"),
    [
        ([], BulkChanges(priority=2), "tickets"),
        (list(range(1, 102)), BulkChanges(priority=2), "tickets"),
        ([1], BulkChanges(), "changes"),
        ([1], BulkChanges(tags_add=("a",), tags_remove=("a",)), "tags_remove"),
    ],
)
def test_a_request_that_cannot_work_changes_nothing(agent, ids, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        tickets_bulk_update(ticket_ids=ids, changes=changes, actor=agent)
    assert field in exc.value.errors


def test_assigning_to_someone_who_works_no_tickets_is_refused_up_front(agent):
    outsider = AgentFactory(role="Compliance officer")
    with pytest.raises(ValidationFailed) as exc:
        tickets_bulk_update(ticket_ids=[1], changes=BulkChanges(assignee=outsider), actor=agent)
    assert "assignee" in exc.value.errors


PER_TICKET = {"assign": 11, "status": 11, "level": 12, "tags": 11}


@pytest.mark.parametrize(
    "changes",
    [
        BulkChanges(assignee="lead"),  # type: ignore[arg-type]
        BulkChanges(status=Status.PENDING),
        BulkChanges(priority=2),
        BulkChanges(tags_add=("follow-up",)),
    ],
    ids=["assign", "status", "level", "tags"],
)
def test_queries_per_ticket_stay_the_same_for_10_and_50_tickets(
    changes, django_assert_max_num_queries, team, request
):
    lead = make_supervisor(teams=[team])
    if changes.assignee == "lead":
        changes = BulkChanges(assignee=lead)

    def run(n: int) -> int:
        ids = [make_ticket(team=team).pk for _ in range(n)]
        with django_assert_max_num_queries(10_000) as captured:
            results = tickets_bulk_update(ticket_ids=ids, changes=changes, actor=lead)
        assert {r.outcome for r in results} == {"changed"}
        return len(captured.captured_queries)

    run(2)  # the first run reads the actor's permissions and creates the tag
    ten, fifty = run(10), run(50)
    # a fixed cost per page of tickets, then the same statements for each ticket (through
    # the one ticket service: its lock, update, events, audit entry and SLA clocks)
    assert (fifty - ten) % 40 == 0
    per_ticket = (fifty - ten) // 40
    assert ten - 10 * per_ticket == fifty - 50 * per_ticket <= 6
    assert per_ticket <= PER_TICKET[request.node.callspec.id], per_ticket
