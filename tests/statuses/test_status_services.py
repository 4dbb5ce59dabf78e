"""Custom statuses: named by the desk, mapped onto the categories the SLA engine reads."""

from __future__ import annotations

import pytest

from caredesk.core.errors import ValidationFailed
from caredesk.desk.history import history_lines
from caredesk.sla.models import Metric, SlaClock
from caredesk.tickets.models import CustomStatus, EventKind, Ticket
from caredesk.tickets.services import Body, message_add, ticket_update
from caredesk.tickets.services.statuses import StatusIn, status_move, status_save, statuses_all
from tests.factories import AgentFactory, ContactFactory, make_ticket

pytestmark = pytest.mark.django_db


def awaiting_lab() -> CustomStatus:
    return status_save(
        status=None,
        data=StatusIn(
            agent_label="Awaiting lab results",
            requester_label="Waiting for your lab results",
            category="pending",
        ),
    )


def default(category: str) -> CustomStatus:
    return CustomStatus.objects.get(category=category, default=True)


def test_each_category_ships_one_default():
    names = {s.category: s.agent_label for s in statuses_all() if s.default}
    assert names == {
        "open": "Open",
        "pending": "Pending customer",
        "on_hold": "On hold",
        "solved": "Solved",
    }


def test_custom_status_sets_its_category_with_one_event_in_words(clock):
    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    lab = awaiting_lab()
    before = ticket.events.count()
    ticket_update(ticket=ticket, changes={"custom_status": lab}, actor=agent)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status_id, ticket.is_open) == ("pending", lab.pk, True)
    new_events = list(ticket.events.order_by("id")[before:])
    assert [e.kind for e in new_events] == [EventKind.STATUS_CHANGED]
    assert new_events[0].actor_user == agent
    lines = history_lines(new_events)
    assert lines[0].text == "Status: Open → Awaiting lab results (Pending)"


def test_a_category_picks_its_default_and_keeps_a_custom_status_in_it(clock):
    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    assert Ticket.objects.get(pk=ticket.pk).custom_status == default("open")
    lab = awaiting_lab()
    ticket_update(ticket=ticket, changes={"custom_status": lab.pk}, actor=agent)
    ticket_update(ticket=ticket, changes={"status": "pending"}, actor=agent)  # unchanged
    assert Ticket.objects.get(pk=ticket.pk).custom_status == lab
    ticket_update(ticket=ticket, changes={"status": "solved"}, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).custom_status == default("solved")
    ticket_update(ticket=ticket, changes={"status": "closed"}, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).custom_status is None


def test_a_requester_reply_reopens_to_the_open_default(clock):
    agent = AgentFactory()
    requester = ContactFactory()
    ticket = make_ticket(requester, assignee=agent)
    ticket_update(ticket=ticket, changes={"custom_status": awaiting_lab()}, actor=agent)
    message_add(ticket=ticket, kind="public", body=Body(text="Results attached"), actor=requester)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("open", default("open"))


def test_awaiting_lab_pauses_the_resolution_clock_exactly_as_pending(clock):
    agent = AgentFactory()
    lab = awaiting_lab()
    one, two = make_ticket(priority=3), make_ticket(priority=3)
    clock.advance(hours=2)
    ticket_update(ticket=one, changes={"custom_status": lab}, actor=agent)
    ticket_update(ticket=two, changes={"status": "pending"}, actor=agent)
    clock.advance(days=2)
    ticket_update(ticket=one, changes={"status": "open"}, actor=agent)
    ticket_update(ticket=two, changes={"status": "open"}, actor=agent)
    first, second = (SlaClock.objects.get(ticket=t, metric=Metric.RESOLUTION) for t in (one, two))
    assert first.elapsed_seconds == second.elapsed_seconds == 7200
    assert first.due_at == second.due_at is not None


def test_paused_while_in_the_custom_status(clock):
    agent = AgentFactory()
    ticket = make_ticket(priority=3)
    clock.advance(hours=1)
    ticket_update(ticket=ticket, changes={"custom_status": awaiting_lab()}, actor=agent)
    res = SlaClock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)
    assert res.running_since is None and res.due_at is None and res.elapsed_seconds == 3600


def test_bad_custom_status_is_a_field_error(clock):
    agent = AgentFactory()
    ticket = make_ticket(assignee=agent)
    lab = awaiting_lab()
    with pytest.raises(ValidationFailed) as unknown:
        ticket_update(ticket=ticket, changes={"custom_status": 999999}, actor=agent)
    assert "custom_status" in unknown.value.errors
    with pytest.raises(ValidationFailed) as clash:
        ticket_update(ticket=ticket, changes={"custom_status": lab, "status": "open"}, actor=agent)
    assert clash.value.errors["status"] == [
        "“Awaiting lab results” is a status of the Pending category."
    ]
    status_save(
        status=lab,
        data=StatusIn(lab.agent_label, lab.requester_label, lab.category, active=False),
    )
    with pytest.raises(ValidationFailed) as gone:
        ticket_update(ticket=ticket, changes={"custom_status": lab}, actor=agent)
    assert gone.value.errors["custom_status"] == ["This status is no longer in use."]


def test_saving_statuses_checks_fields():
    with pytest.raises(ValidationFailed) as empty:
        status_save(status=None, data=StatusIn("  ", "", "closed"))
    assert set(empty.value.errors) == {"agent_label", "requester_label", "category"}
    awaiting_lab()
    with pytest.raises(ValidationFailed) as twice:
        status_save(status=None, data=StatusIn("awaiting LAB results", "x", "pending"))
    assert twice.value.errors["agent_label"] == ["Another status already has this name."]
    pending = default("pending")
    with pytest.raises(ValidationFailed) as off:
        status_save(
            status=pending, data=StatusIn("Waiting", "Waiting for you", "pending", "", False)
        )
    assert off.value.errors["active"] == ["A category's default status cannot be deactivated."]
    with pytest.raises(ValidationFailed) as moved:
        status_save(status=pending, data=StatusIn("Waiting", "Waiting for you", "open"))
    assert "category" in moved.value.errors
    renamed = status_save(
        status=pending, data=StatusIn("Waiting on client", "Over to you", "pending")
    )
    assert renamed.agent_label == "Waiting on client" and renamed.default


def test_reorder_within_a_category():
    lab = awaiting_lab()
    status_move(status=lab, up=True)
    pending = [s.agent_label for s in statuses_all() if s.category == "pending"]
    assert pending == ["Awaiting lab results", "Pending customer"]
