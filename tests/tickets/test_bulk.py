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


@pytest.mark.parametrize(
    "changes",
    [
        BulkChanges(assignee="lead"),  # type: ignore[arg-type]
        BulkChanges(status=Status.PENDING),
        BulkChanges(status=Status.SOLVED),  # the solve guards read the page at once
        BulkChanges(priority=2),
        BulkChanges(team="other"),  # type: ignore[arg-type]
        BulkChanges(tags_add=("follow-up",), tags_remove=("vip",)),
        BulkChanges(custom_status="lab"),  # type: ignore[arg-type]
    ],
    ids=["assign", "status", "solve", "level", "team", "tags", "custom-status"],
)
def test_a_page_of_25_tickets_takes_as_many_statements_as_5(
    changes, django_assert_max_num_queries, team
):
    other = TeamFactory(slug="devices")
    lead = make_supervisor(teams=[team, other])
    if changes.assignee == "lead":
        changes = BulkChanges(assignee=lead)
    if changes.team == "other":
        changes = BulkChanges(team=other)
    if changes.custom_status == "lab":
        from caredesk.tickets.services.statuses import StatusIn, status_save

        data = StatusIn("Awaiting lab results", "Waiting for your lab results", "pending")
        changes = BulkChanges(custom_status=status_save(status=None, data=data).pk)

    def run(n: int) -> int:
        ids = [make_ticket(team=team, tags=["vip"]).pk for _ in range(n)]
        with django_assert_max_num_queries(60) as captured:
            results = tickets_bulk_update(ticket_ids=ids, changes=changes, actor=lead)
        assert {r.outcome for r in results} == {"changed"}
        return len(captured.captured_queries)

    run(2)  # the first run reads the actor's permissions and creates the tag
    assert run(5) == run(25)


def test_a_level_change_moves_each_tickets_clocks_as_a_single_change_would(agent, team, clock):
    single, *page = [make_ticket(team=team, priority=3) for _ in range(4)]
    clock.advance(minutes=10)
    ticket_update(ticket=single, changes={"priority": 1}, actor=agent)
    tickets_bulk_update(
        ticket_ids=[t.pk for t in page], changes=BulkChanges(priority=1), actor=agent
    )
    expected = Ticket.objects.get(pk=single.pk).sla_due_at - single.created_at
    for t in page:
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.sla_due_at is not None
        assert fresh.sla_due_at - fresh.created_at == expected
        assert _events(t, EventKind.FIELD_CHANGED).get().new == 1


def test_closing_a_selection_keeps_when_each_ticket_was_solved(agent, team):
    solved, still_open = make_ticket(team=team), make_ticket(team=team)
    ticket_update(ticket=solved, changes={"status": Status.SOLVED}, actor=agent)
    solved_at = Ticket.objects.get(pk=solved.pk).solved_at
    results = tickets_bulk_update(
        ticket_ids=[solved.pk, still_open.pk],
        changes=BulkChanges(status=Status.CLOSED),
        actor=agent,
    )
    assert [r.outcome for r in results] == ["changed", "changed"]
    a, b = Ticket.objects.get(pk=solved.pk), Ticket.objects.get(pk=still_open.pk)
    assert a.solved_at == solved_at and a.closed_at is not None and not a.is_open
    assert b.solved_at == b.closed_at and not b.is_open
    assert _events(still_open, EventKind.STATUS_CHANGED).get().new == Status.CLOSED


def test_assigning_new_tickets_opens_them_in_the_same_change(agent, team):
    ticket = make_ticket(team=team)
    assert ticket.status == Status.NEW
    [result] = tickets_bulk_update(
        ticket_ids=[ticket.pk], changes=BulkChanges(assignee=agent), actor=agent
    )
    assert result.changed == ("assignee",)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.OPEN and fresh.is_open
    assert _events(ticket, EventKind.STATUS_CHANGED).get().new == Status.OPEN


def test_a_protocol_refusing_one_ticket_in_reaction_leaves_the_others_changed(
    agent, team, monkeypatch
):
    from caredesk.core.errors import Conflict
    from caredesk.tickets.services import updates

    first, refused, last = [make_ticket(team=team) for _ in range(3)]
    heard = []

    def react(ticket, trigger, actor, **facts):
        heard.append(ticket.pk)
        if ticket.pk == refused.pk:
            raise Conflict("The protocol keeps this ticket at its level.")

    monkeypatch.setattr(updates, "react", react)
    results = tickets_bulk_update(
        ticket_ids=[first.pk, refused.pk, last.pk], changes=BulkChanges(priority=1), actor=agent
    )
    assert [r.outcome for r in results] == ["changed", "refused", "changed"]
    assert results[1].reason == "The protocol keeps this ticket at its level."
    assert Ticket.objects.get(pk=refused.pk).priority != 1
    assert _events(refused, EventKind.FIELD_CHANGED).count() == 0
    for t in (first, last):
        assert Ticket.objects.get(pk=t.pk).priority == 1
        assert _events(t, EventKind.FIELD_CHANGED).count() == 1  # the first pass left nothing
    assert heard.count(first.pk) == 2  # heard in the pass taken back, then on its own


def test_solving_a_page_refuses_only_the_ticket_with_unfinished_work(agent, team):
    from caredesk.tickets.services.checklists import checklist_item_add

    ready, unfinished = make_ticket(team=team), make_ticket(team=team)
    checklist_item_add(ticket=unfinished, text="Confirm the serial", required=True, actor=agent)
    results = tickets_bulk_update(
        ticket_ids=[ready.pk, unfinished.pk], changes=BulkChanges(status=Status.SOLVED), actor=agent
    )
    outcome = {r.ticket_id: (r.outcome, r.reason) for r in results}
    assert outcome[ready.pk] == ("changed", "")
    assert outcome[unfinished.pk][0] == "refused"
    assert "Confirm the serial" in outcome[unfinished.pk][1]
    assert Ticket.objects.get(pk=ready.pk).status == Status.SOLVED
    assert Ticket.objects.get(pk=unfinished.pk).status != Status.SOLVED
