"""Tasks: internal tickets another team works for a ticket, which waits on hold for them.

A task shares its parent's requester and organization (so visibility and service levels follow
the same client) but is never shown in the portal nor mailed to the requester. Opening a task
puts the parent on hold; when its last open task is solved the parent is open again and its
assignee (or, without one, its team) is told which task finished.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet

from caredesk.accounts.capabilities import assignable_users, may_be_assigned
from caredesk.accounts.models import Team, User
from caredesk.core.errors import Conflict, ValidationFailed
from caredesk.core.notify import notify
from caredesk.tickets.models import EventKind, MessageKind, Status, Ticket
from caredesk.tickets.services import events
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.messages import Body, message_add
from caredesk.tickets.services.opening import NewTicket, tickets_open
from caredesk.tickets.services.updates import ticket_update
from caredesk.tickets.services.validation import check_assignee, check_subject

MAX_INSTRUCTIONS = 10_000


def open_tasks(parent: Ticket | int) -> QuerySet[Ticket]:
    pk = parent if isinstance(parent, int) else parent.pk
    return Ticket.objects.filter(parent_id=pk, is_open=True)


def tasks_guard(tickets: Sequence[Ticket]) -> dict[int, list[str]]:
    """The solve guard: a ticket waits for its open tasks (one query for every ticket)."""
    refs: dict[int, list[str]] = {}
    found = Ticket.objects.filter(parent_id__in=[t.pk for t in tickets], is_open=True)
    for parent_id, pk in found.order_by("id").values_list("parent_id", "pk"):
        refs.setdefault(parent_id, []).append(Ticket(pk=pk).ref)
    return {
        parent: [
            f"its task {open_refs[0]} is still open"
            if len(open_refs) == 1
            else f"its tasks {', '.join(open_refs)} are still open"
        ]
        for parent, open_refs in refs.items()
    }


@transaction.atomic
def task_open(
    *,
    parent: Ticket,
    subject: str,
    team: Team | None,
    actor: Actor,
    assignee: User | None = None,
    instructions: str = "",
) -> Ticket:
    """Open a task of `parent` for `team` (instructions as its first, internal, note); the
    parent goes on hold until its tasks are done."""
    errors: dict[str, list[str]] = {}
    subject = check_subject(subject, errors)
    if team is None:
        errors.setdefault("team", []).append("Choose the team that does the task.")
    check_assignee(assignee, errors)
    instructions = (instructions or "").strip()
    if len(instructions) > MAX_INSTRUCTIONS:
        errors.setdefault("instructions", []).append(
            f"Keep the instructions to {MAX_INSTRUCTIONS:,} characters or fewer."
        )
    if errors:
        raise ValidationFailed("The task could not be opened.", errors=errors)
    assert team is not None
    parent = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "assignee")
        .get(pk=parent.pk)
    )
    if not parent.is_open:
        raise Conflict(f"{parent.ref} is {parent.get_status_display().lower()}: reopen it first.")
    task = tickets_open(
        items=[
            NewTicket(
                requester=parent.requester,
                organization=parent.organization,
                subject=subject,
                channel=parent.channel,
                priority=parent.priority,
                team=team,
                assignee=assignee,
                parent=parent,
            )
        ],
        actor=actor,
    )[0].ticket
    if instructions:
        message_add(
            ticket=task, kind=MessageKind.INTERNAL, body=Body(text=instructions), actor=actor
        )
    # whoever opened it, and the parent's assignee, follow it (and so see it, whatever its team)
    watchers = [p for p in (actor, parent.assignee) if isinstance(p, User) and may_be_assigned(p)]
    watchers = list(dict.fromkeys(watchers))
    task.followers.add(*watchers)
    about = {"task": task.pk, "task_ref": task.ref, "parent": parent.pk, "parent_ref": parent.ref}
    events.record(
        events.happened(parent, EventKind.TASK_OPENED, actor, team=team.name, **about),
        events.happened(task, EventKind.TASK_OPENED, actor, team=team.name, **about),
        *[events.follower_added(task, actor, person) for person in watchers],
    )
    if parent.status != Status.ON_HOLD:
        ticket_update(ticket=parent, changes={"status": Status.ON_HOLD}, actor=actor)
    if assignee is not None and assignee != actor:
        notify(
            users=[assignee], text=f"{task.ref} is a task for you from {parent.ref}", ticket=task
        )
    return task


def task_status_changed(task: Ticket, actor: Actor) -> None:
    """A task was solved or closed, or reopened: its parent resumes, or waits again."""
    parent = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("assignee", "team")
        .filter(pk=task.parent_id or 0, is_open=True)
        .first()
    )
    if parent is None:
        return
    if task.is_open:
        if parent.status != Status.ON_HOLD:
            ticket_update(ticket=parent, changes={"status": Status.ON_HOLD}, actor=actor)
        return
    if open_tasks(parent).exclude(pk=task.pk).exists():
        return
    events.record(
        events.happened(
            parent,
            EventKind.TASK_FINISHED,
            actor,
            task=task.pk,
            task_ref=task.ref,
            parent=parent.pk,
            parent_ref=parent.ref,
            status=task.status,
        )
    )
    if parent.status == Status.ON_HOLD:
        ticket_update(ticket=parent, changes={"status": Status.OPEN}, actor=actor)
    if parent.assignee is not None:
        people = [parent.assignee]
    elif parent.team_id is not None:
        people = list(assignable_users().filter(teams=parent.team_id))
    else:
        people = []
    people = [p for p in people if p != actor]
    if people:
        notify(
            users=people,
            text=f"Task {task.ref} is done: {parent.ref} is open again",
            ticket=parent,
        )
