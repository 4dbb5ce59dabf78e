"""Tasks and checklists through the ticket services: holds, resumes, guards, events."""

from __future__ import annotations

import pytest

from caredesk.core.errors import Conflict, NotFound, ValidationFailed
from caredesk.core.models import Notification, OutboxItem
from caredesk.tickets import selectors
from caredesk.tickets.models import ChecklistItem, EventKind, MessageKind, Status, Ticket
from caredesk.tickets.services import Body, message_add, ticket_update
from caredesk.tickets.services.checklists import (
    checklist_apply,
    checklist_item_add,
    checklist_item_tick,
    checklist_state,
    checklist_template_save,
)
from caredesk.tickets.services.guards import solve_blockers
from caredesk.tickets.services.tasks import task_open
from tests.factories import RequestTypeFactory, make_ticket

pytestmark = pytest.mark.django_db


def _kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("id").values_list("kind", flat=True))


def test_a_task_puts_its_parent_on_hold_and_is_recorded_on_both(desk, clock):
    agent, engineer, engineering, requester, ticket = desk
    mails = OutboxItem.objects.count()
    task = task_open(
        parent=ticket,
        subject="Check the bridge logs",
        team=engineering,
        assignee=engineer,
        instructions="Look at 10:02 on the media bridge.",
        actor=agent,
    )
    ticket.refresh_from_db()
    assert task.parent_id == ticket.pk and task.team == engineering
    assert task.requester == ticket.requester and task.organization == ticket.organization
    assert ticket.status == Status.ON_HOLD
    note = task.messages.get()
    assert note.kind == MessageKind.INTERNAL and "media bridge" in note.body_text
    opened = ticket.events.get(kind=EventKind.TASK_OPENED)
    assert opened.data["task_ref"] == task.ref and opened.data["team"] == "Engineering"
    assert task.events.filter(kind=EventKind.TASK_OPENED, data__parent=ticket.pk).exists()
    assert ticket.events.filter(kind=EventKind.STATUS_CHANGED, new=Status.ON_HOLD).exists()
    # the requester is mailed nothing about it; the engineer is told
    emails = OutboxItem.objects.order_by("id")[mails:]
    assert all(requester.email not in str(o.payload.get("to")) for o in emails)
    assert Notification.objects.filter(user=engineer, ticket=task).exists()


def test_replies_on_a_task_never_reach_the_requester_and_the_portal_never_shows_it(desk):
    agent, engineer, engineering, requester, ticket = desk
    task = task_open(parent=ticket, subject="Check", team=engineering, actor=agent)
    before = OutboxItem.objects.count()
    message_add(ticket=task, kind=MessageKind.PUBLIC, body=Body(text="Done?"), actor=engineer)
    assert OutboxItem.objects.count() == before
    visible = selectors.tickets_visible(requester.user)
    assert list(visible.values_list("pk", flat=True)) == [ticket.pk]
    with pytest.raises(NotFound):
        selectors.ticket_get(user=requester.user, pk=task.pk)


def test_the_parent_reopens_when_its_last_task_is_solved_and_its_agent_is_told(desk):
    agent, engineer, engineering, _requester, ticket = desk
    first = task_open(parent=ticket, subject="Logs", team=engineering, actor=agent)
    second = task_open(parent=ticket, subject="Firmware", team=engineering, actor=agent)
    ticket_update(ticket=first, changes={"status": Status.SOLVED}, actor=engineer)
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD  # still waits for the second
    ticket_update(ticket=second, changes={"status": Status.SOLVED}, actor=engineer)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    finished = ticket.events.get(kind=EventKind.TASK_FINISHED)
    assert finished.data["task_ref"] == second.ref
    assert finished.actor_user == engineer
    notice = Notification.objects.get(user=agent, ticket=ticket)
    assert second.ref in notice.text and ticket.ref in notice.text


def test_a_reopened_task_puts_the_parent_back_on_hold(desk):
    agent, engineer, engineering, _requester, ticket = desk
    task = task_open(parent=ticket, subject="Logs", team=engineering, actor=agent)
    ticket_update(ticket=task, changes={"status": Status.SOLVED}, actor=engineer)
    ticket_update(ticket=task, changes={"status": Status.OPEN}, actor=engineer)
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD


def test_without_an_assignee_the_parents_team_is_told(desk):
    agent, engineer, engineering, requester, _ticket = desk
    ticket = make_ticket(requester, team=agent.teams.get())
    task = task_open(parent=ticket, subject="Logs", team=engineering, actor=engineer)
    ticket_update(ticket=task, changes={"status": Status.SOLVED}, actor=engineer)
    assert Notification.objects.filter(user=agent, ticket=ticket).exists()


def test_solving_a_parent_with_open_tasks_is_refused_saying_which(desk):
    agent, _engineer, engineering, _requester, ticket = desk
    task = task_open(parent=ticket, subject="Logs", team=engineering, actor=agent)
    with pytest.raises(Conflict) as refused:
        ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    assert task.ref in refused.value.detail
    assert refused.value.errors["status"] == [f"its task {task.ref} is still open"]
    # reopening it explicitly is the agent's choice
    ticket_update(ticket=ticket, changes={"status": Status.OPEN}, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_task_needs_a_subject_and_a_team_and_an_open_parent(desk):
    agent, _engineer, engineering, _requester, ticket = desk
    with pytest.raises(ValidationFailed) as bad:
        task_open(parent=ticket, subject=" ", team=None, actor=agent)
    assert set(bad.value.errors) == {"subject", "team"}
    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    with pytest.raises(Conflict):
        task_open(parent=ticket, subject="Logs", team=engineering, actor=agent)


def test_checklist_state_counts_and_ticks_are_events(desk):
    agent, _engineer, _team, _requester, ticket = desk
    assert checklist_state(ticket).complete and checklist_state(ticket).total == 0
    a = checklist_item_add(ticket=ticket, text="Confirm identity", required=True, actor=agent)
    checklist_item_add(ticket=ticket, text="Offer a callback", required=False, actor=agent)
    state = checklist_state(ticket)
    assert (state.total, state.done, state.required, state.required_done) == (2, 0, 1, 0)
    assert not state.complete
    checklist_item_tick(ticket=ticket, item_id=a.pk, done=True, actor=agent)
    checklist_item_tick(ticket=ticket, item_id=a.pk, done=True, actor=agent)  # no change
    a.refresh_from_db()
    assert a.done_by == agent and a.done_at is not None
    assert checklist_state(ticket.pk).complete
    ticks = ticket.events.filter(kind=EventKind.CHECKLIST_TICKED)
    assert [(e.data["text"], e.data["done"]) for e in ticks] == [("Confirm identity", True)]
    checklist_item_tick(ticket=ticket, item_id=a.pk, done=False, actor=agent)
    a.refresh_from_db()
    assert a.done_by is None and not checklist_state(ticket).complete


def test_solving_with_required_steps_open_is_refused_listing_them(desk):
    agent, _engineer, _team, _requester, ticket = desk
    step = checklist_item_add(ticket=ticket, text="Confirm identity", required=True, actor=agent)
    checklist_item_add(ticket=ticket, text="Optional", required=False, actor=agent)
    assert solve_blockers(ticket) == ["1 required checklist step is not done (“Confirm identity”)"]
    with pytest.raises(Conflict) as refused:
        ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    assert "Confirm identity" in refused.value.detail
    with pytest.raises(Conflict):  # a reply that would solve it too
        message_add(
            ticket=ticket,
            kind=MessageKind.PUBLIC,
            body=Body(text="All sorted."),
            actor=agent,
            status_after=Status.SOLVED,
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and not ticket.messages.filter(body_text="All sorted.")
    checklist_item_tick(ticket=ticket, item_id=step.pk, done=True, actor=agent)
    ticket_update(ticket=ticket, changes={"status": Status.SOLVED}, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_request_types_checklist_is_put_on_its_new_tickets(desk):
    agent, _engineer, _team, requester, _ticket = desk
    template = checklist_template_save(
        name="Device repair validation",
        steps=[("Serial number matches", True), ("Photo of the unit", False), ("", True)],
    )
    rtype = RequestTypeFactory(checklist=template)
    ticket = make_ticket(requester, category=rtype)
    items = list(ticket.checklist.values_list("text", "required", "position"))
    assert items == [("Serial number matches", True, 0), ("Photo of the unit", False, 1)]
    assert ticket.events.filter(kind=EventKind.CHECKLIST_CHANGED, data__action="applied").exists()
    # applying it again appends, after what is there
    assert checklist_apply(ticket=ticket, template=template, actor=agent) == 2
    assert list(ticket.checklist.values_list("position", flat=True)) == [0, 1, 2, 3]


def test_templates_are_validated(desk):
    with pytest.raises(ValidationFailed) as bad:
        checklist_template_save(name="", steps=[("", True)])
    assert set(bad.value.errors) == {"name", "steps"}
    checklist_template_save(name="Intake", steps=[("One", True)])
    with pytest.raises(ValidationFailed) as dup:
        checklist_template_save(name="intake", steps=[("One", True)])
    assert "name" in dup.value.errors


def test_ticking_a_step_of_another_ticket_is_not_found(desk):
    agent, _engineer, _team, requester, ticket = desk
    other = make_ticket(requester)
    step = checklist_item_add(ticket=other, text="Elsewhere", actor=agent)
    with pytest.raises(NotFound):
        checklist_item_tick(ticket=ticket, item_id=step.pk, done=True, actor=agent)
    assert ChecklistItem.objects.get(pk=step.pk).done_at is None


def test_a_tasks_words_are_the_desks_not_a_report_for_the_safety_screen(desk):
    agent, _engineer, engineering, _requester, ticket = desk
    task = task_open(
        parent=ticket, subject="Camera went black at 10:02", team=engineering, actor=agent
    )
    task.refresh_from_db()
    assert task.safety == "" and not task.events.filter(kind=EventKind.SAFETY_FLAGGED).exists()
