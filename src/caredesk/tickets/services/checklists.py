"""Checklists on tickets: the steps to take, ticked by agents, each tick an event.

`checklist_state(ticket)` is the API other apps call (how many steps are done, whether every
required one is); a ticket with required steps open cannot be solved (the `checklist` guard).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q

from caredesk.accounts.models import User
from caredesk.core import clock
from caredesk.core.errors import Conflict, NotFound, ValidationFailed
from caredesk.tickets.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    EventKind,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import events
from caredesk.tickets.services.events import Actor

MAX_ITEMS = 100
MAX_TEXT = 300


@dataclass(frozen=True)
class ChecklistState:
    total: int
    done: int
    required: int
    required_done: int

    @property
    def complete(self) -> bool:
        """Every required step is done (true for a ticket without a checklist)."""
        return self.required_done == self.required


def checklist_state(ticket: Ticket | int) -> ChecklistState:
    """How far the ticket's checklist is: one query."""
    pk = ticket if isinstance(ticket, int) else ticket.pk
    counts = ChecklistItem.objects.filter(ticket_id=pk).aggregate(
        n_total=Count("id"),
        n_done=Count("id", filter=Q(done_at__isnull=False)),
        n_required=Count("id", filter=Q(required=True)),
        n_required_done=Count("id", filter=Q(required=True, done_at__isnull=False)),
    )
    return ChecklistState(**{k.removeprefix("n_"): v or 0 for k, v in counts.items()})


def checklist_guard(tickets: Sequence[Ticket]) -> dict[int, list[str]]:
    """The solve guard: the required steps still open (one query for every ticket)."""
    missing: dict[int, list[str]] = {}
    found = ChecklistItem.objects.filter(
        ticket_id__in=[t.pk for t in tickets], required=True, done_at__isnull=True
    )
    for ticket_id, text in found.order_by("ticket_id", "position", "id").values_list(
        "ticket_id", "text"
    ):
        missing.setdefault(ticket_id, []).append(text)
    return {pk: [_steps_not_done(texts)] for pk, texts in missing.items()}


def _steps_not_done(texts: list[str]) -> str:
    quoted = ", ".join(f"“{text}”" for text in texts)
    steps = "step is" if len(texts) == 1 else "steps are"
    return f"{len(texts)} required checklist {steps} not done ({quoted})"


def _clean_text(text: str, errors: dict[str, list[str]], key: str = "text") -> str:
    text = " ".join((text or "").split())
    if not text:
        errors.setdefault(key, []).append("Describe the step.")
    elif len(text) > MAX_TEXT:
        errors.setdefault(key, []).append(f"Keep a step to {MAX_TEXT} characters or fewer.")
    return text


def _writable(ticket: Ticket) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.is_open:
        raise Conflict(f"{ticket.ref} is {ticket.get_status_display().lower()}: reopen it first.")
    return ticket


def _next_position(ticket: Ticket) -> int:
    top = ChecklistItem.objects.filter(ticket=ticket).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def checklist_item_add(
    *, ticket: Ticket, text: str, required: bool = False, actor: Actor
) -> ChecklistItem:
    """Add a step of one's own to the ticket's checklist (at the end)."""
    errors: dict[str, list[str]] = {}
    text = _clean_text(text, errors)
    if errors:
        raise ValidationFailed("The step could not be added.", errors=errors)
    ticket = _writable(ticket)
    if ChecklistItem.objects.filter(ticket=ticket).count() >= MAX_ITEMS:
        raise ValidationFailed(
            "The checklist is full.", errors={"text": [f"A checklist holds {MAX_ITEMS} steps."]}
        )
    item = ChecklistItem.objects.create(
        ticket=ticket,
        text=text,
        required=required,
        position=_next_position(ticket),
        created_at=clock.now(),
    )
    events.record(
        events.happened(
            ticket,
            EventKind.CHECKLIST_CHANGED,
            actor,
            action="added",
            item=item.pk,
            text=text,
            required=required,
        )
    )
    return item


@transaction.atomic
def checklist_item_tick(*, ticket: Ticket, item_id: int, done: bool, actor: Actor) -> ChecklistItem:
    """Mark a step done (by `actor`, now) or not done; one event when it really changes."""
    ticket = _writable(ticket)
    item = ChecklistItem.objects.select_for_update().filter(pk=item_id, ticket=ticket).first()
    if item is None:
        raise NotFound("No such checklist step on this ticket.")
    if item.done == done:
        return item
    item.done_at = clock.now() if done else None
    item.done_by = actor if done and isinstance(actor, User) else None
    item.save(update_fields=["done_at", "done_by"])
    events.record(
        events.happened(
            ticket, EventKind.CHECKLIST_TICKED, actor, item=item.pk, text=item.text, done=done
        )
    )
    return item


@transaction.atomic
def checklist_apply(*, ticket: Ticket, template: ChecklistTemplate, actor: Actor) -> int:
    """Add a template's steps to the ticket's checklist (after any it has); how many were added."""
    ticket = _writable(ticket)
    steps = list(template.items.order_by("position", "id"))
    if ChecklistItem.objects.filter(ticket=ticket).count() + len(steps) > MAX_ITEMS:
        raise ValidationFailed(
            "The checklist would be too long.",
            errors={"template": [f"A checklist holds {MAX_ITEMS} steps."]},
        )
    start = _next_position(ticket)
    now = clock.now()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            ticket=ticket,
            text=s.text,
            required=s.required,
            position=start + i,
            template=template,
            created_at=now,
        )
        for i, s in enumerate(steps)
    )
    events.record(_applied(ticket, template, len(steps), actor))
    return len(steps)


def _applied(ticket: Ticket, template: ChecklistTemplate, count: int, actor: Actor) -> TicketEvent:
    return events.happened(
        ticket,
        EventKind.CHECKLIST_CHANGED,
        actor,
        action="applied",
        template=template.pk,
        name=template.name,
        count=count,
    )


def checklists_for_new(tickets: Sequence[Ticket], actor: Actor) -> list[TicketEvent]:
    """The checklists of newly inserted tickets whose request type carries one: the steps are
    written (one INSERT), their events returned for the caller to record with the rest."""
    wanted = {t.category.checklist_id for t in tickets if t.category and t.category.checklist_id}
    if not wanted:
        return []
    templates = ChecklistTemplate.objects.filter(pk__in=wanted, active=True).in_bulk()
    steps: dict[int, list[ChecklistTemplateItem]] = {}
    for step in ChecklistTemplateItem.objects.filter(template_id__in=templates).order_by(
        "position", "id"
    ):
        steps.setdefault(step.template_id, []).append(step)
    now = clock.now()
    rows, written = [], []
    for ticket in tickets:
        template = templates.get(ticket.category.checklist_id) if ticket.category else None
        if template is None:
            continue
        mine = steps.get(template.pk, [])
        rows += [
            ChecklistItem(
                ticket=ticket,
                text=s.text,
                required=s.required,
                position=i,
                template=template,
                created_at=now,
            )
            for i, s in enumerate(mine)
        ]
        written.append(_applied(ticket, template, len(mine), actor))
    ChecklistItem.objects.bulk_create(rows)
    return written


# -- templates (kept on the desk by supervisors and administrators) -------------------------


@transaction.atomic
def checklist_template_save(
    *,
    name: str,
    steps: Sequence[tuple[str, bool]],
    active: bool = True,
    template: ChecklistTemplate | None = None,
) -> ChecklistTemplate:
    """Create or change a template: its name and its steps (text, required), in order."""
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors.setdefault("name", []).append("Name the checklist.")
    elif len(name) > 120:
        errors.setdefault("name", []).append("Keep the name to 120 characters or fewer.")
    elif (
        ChecklistTemplate.objects.filter(name__iexact=name)
        .exclude(pk=template.pk if template else 0)
        .exists()
    ):
        errors.setdefault("name", []).append("Another checklist has this name.")
    cleaned = []
    for i, (text, required) in enumerate(steps):
        if (text or "").strip():
            cleaned.append((_clean_text(text, errors, f"steps.{i}"), bool(required)))
    if not cleaned:
        errors.setdefault("steps", []).append("Give the checklist at least one step.")
    elif len(cleaned) > MAX_ITEMS:
        errors.setdefault("steps", []).append(f"A checklist holds {MAX_ITEMS} steps.")
    if errors:
        raise ValidationFailed("The checklist could not be saved.", errors=errors)
    now = clock.now()
    if template is None:
        template = ChecklistTemplate.objects.create(
            name=name, active=active, created_at=now, updated_at=now
        )
    else:
        template.name, template.active, template.updated_at = name, active, now
        template.save(update_fields=["name", "active", "updated_at"])
        template.items.all().delete()
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(template=template, text=text, required=required, position=i)
        for i, (text, required) in enumerate(cleaned)
    )
    return template
