"""Data-breach incidents: recording one starts its notification tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest

from caredesk.accounts.models import Organization, User
from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.core import clock
from caredesk.core.errors import ValidationFailed
from caredesk.governance.models import Breach, BreachStatus, BreachTask
from caredesk.governance.pure import breach_deadlines


@dataclass(frozen=True)
class NewBreach:
    title: str
    description: str
    discovered_at: datetime
    people_affected: int
    organizations: tuple[Organization, ...] = ()


def _check(data: NewBreach) -> None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Give the breach a short name."]
    if not data.description.strip():
        errors["description"] = ["Say what happened and which data was involved."]
    if data.discovered_at > clock.now():
        errors["discovered_at"] = ["The discovery cannot be in the future."]
    if data.people_affected < 0:
        errors["people_affected"] = ["Give the number of people affected (0 or more)."]
    if errors:
        raise ValidationFailed("The breach record is incomplete.", errors=errors)


@transaction.atomic
def breach_record(*, data: NewBreach, actor: User, request: HttpRequest | None = None) -> Breach:
    """Record a breach and create one task per notification deadline it starts."""
    _check(data)
    breach = Breach.objects.create(
        title=data.title.strip(),
        description=data.description.strip(),
        discovered_at=data.discovered_at,
        people_affected=data.people_affected,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    breach.organizations.set(data.organizations)
    deadlines = breach_deadlines(
        discovered_at=data.discovered_at, people_affected=data.people_affected
    )
    BreachTask.objects.bulk_create(
        [BreachTask(breach=breach, kind=d.kind, due_at=d.due_at) for d in deadlines]
    )
    record(
        action=AuditAction.BREACH_RECORDED,
        actor=actor,
        request=request,
        object_type="breach",
        object_id=breach.pk,
        fields=["discovered_at", "people_affected", "organizations"],
    )
    return breach


@transaction.atomic
def breach_task_done(
    *, task: BreachTask, actor: User, note: str = "", request: HttpRequest | None = None
) -> BreachTask:
    """Mark a notification sent; when the last one is done the breach closes."""
    if task.done_at is not None:
        raise ValidationFailed("This notification is already marked done.", errors={})
    task.done_at = clock.now()
    task.done_by = actor
    task.note = note.strip()
    task.save(update_fields=["done_at", "done_by", "note"])
    if not BreachTask.objects.filter(breach_id=task.breach_id, done_at__isnull=True).exists():
        Breach.objects.filter(pk=task.breach_id).update(status=BreachStatus.CLOSED)
    record(
        action=AuditAction.BREACH_TASK_DONE,
        actor=actor,
        request=request,
        object_type="breach_task",
        object_id=task.pk,
        fields=[task.kind],
    )
    return task
