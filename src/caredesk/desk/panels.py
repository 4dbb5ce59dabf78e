"""What the ticket page shows of a ticket's tasks and checklist (a constant number of queries
whatever their length)."""

from __future__ import annotations

from typing import Any

from caredesk.desk.forms import ChecklistStepForm, TaskForm
from caredesk.tickets import selectors
from caredesk.tickets.models import ChecklistTemplate, Ticket
from caredesk.tickets.services.checklists import checklist_state


def worklist_context(user: Any, ticket: Ticket) -> dict[str, Any]:
    """What the ticket page shows of tasks and checklist (a constant number of queries)."""
    return {
        "tasks": selectors.tasks_of(ticket),
        "parent": selectors.parent_shown(user=user, ticket=ticket),
        "task_form": TaskForm(),
        **checklist_context(ticket),
    }


def checklist_context(ticket: Ticket, **extra: Any) -> dict[str, Any]:
    return {
        "checklist": selectors.checklist_of(ticket),
        "checklist_state": checklist_state(ticket),
        "checklist_form": ChecklistStepForm(),
        "checklist_templates": list(ChecklistTemplate.objects.filter(active=True)),
        **extra,
    }
