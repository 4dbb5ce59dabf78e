"""Retention: what each record class keeps, what a purge would delete, and the purge itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError

from caredesk.compliance.audit import record
from caredesk.compliance.models import AuditAction
from caredesk.compliance.records import Holds, held_via_ticket, record_classes
from caredesk.core import clock
from caredesk.core.models import OutboxItem, OutboxKind, OutboxStatus
from caredesk.governance.models import RecordClass
from caredesk.governance.pure import DAY
from caredesk.governance.selectors import active_holds, retention_days
from caredesk.tickets.models import Ticket
from caredesk.tickets.services.erasure import tickets_delete

Rows = QuerySet[Any]


def candidates(record_class: str, cutoff: datetime, holds: Holds) -> tuple[Rows, Rows]:
    """(past their period and free to go, past their period but under a legal hold)."""
    old: Rows
    held: Q
    if record_class == RecordClass.CLOSED_TICKETS:
        # Solved or closed, and untouched since: counted from the last change, so a ticket
        # reopened and solved again starts over.
        old = Ticket.objects.filter(is_open=False, updated_at__lt=cutoff).filter(
            Q(status_changed_at__lt=cutoff) | Q(status_changed_at__isnull=True)
        )
        held = held_via_ticket(holds, prefix="")
    elif record_class == RecordClass.OUTBOX_MAIL:
        # outgoing mail copies: no person to hold them for, they only repeat the ticket
        old = OutboxItem.objects.filter(
            kind=OutboxKind.EMAIL,
            status__in=[OutboxStatus.SENT, OutboxStatus.FAILED],
            created_at__lt=cutoff,
        )
        return old, old.none()
    else:  # the channels' records (mail, chats, calls): they say how to find them
        kept = record_classes.get(record_class)
        old, held = kept.ended_before(cutoff), kept.held(holds)
    return old.exclude(held), old.filter(held)


@dataclass(frozen=True)
class ClassPlan:
    record_class: str
    keep_days: int | None
    cutoff: datetime | None
    due: int
    held: int


def retention_plan() -> list[ClassPlan]:
    """What a purge run now would delete per record class, and what holds keep (writes nothing)."""
    now = clock.now()
    holds = active_holds()
    plans = []
    for record_class, days in retention_days().items():
        if days is None:
            plans.append(ClassPlan(record_class, None, None, 0, 0))
            continue
        cutoff = now - days * DAY
        due, held = candidates(record_class, cutoff, holds)
        plans.append(ClassPlan(record_class, days, cutoff, due.count(), held.count()))
    return plans


@dataclass
class Purged:
    record_class: str
    deleted: Counter[str] = field(default_factory=Counter)
    held: int = 0
    blocked: int = 0  # rows another record still points at (deleting them was refused)

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


@transaction.atomic
def _delete(record_class: str, rows: Rows, ids: list[int]) -> Counter[str]:
    if record_class == RecordClass.CLOSED_TICKETS:
        return tickets_delete(ids=ids)  # the ticket services delete what they wrote
    kept = record_classes.find(record_class)
    if kept is not None and kept.before_delete is not None:
        kept.before_delete(ids)  # e.g. the chats' uploaded files, removed after commit
    return Counter(rows.model.objects.filter(pk__in=ids).delete()[1])


def _delete_batch(record_class: str, rows: Rows, ids: list[int], out: Purged) -> list[int]:
    """Delete one batch in one transaction; returns the ids that could not be deleted."""
    try:
        out.deleted.update(_delete(record_class, rows, ids))
        return []
    except (ProtectedError, RestrictedError):
        pass
    refused = []
    for pk in ids:  # one at a time, so one protected row does not hold the batch back
        try:
            out.deleted.update(_delete(record_class, rows, [pk]))
        except (ProtectedError, RestrictedError):
            refused.append(pk)
    return refused


def _purge_class(record_class: str, days: int, holds: Holds, batch: int) -> Purged:
    out = Purged(record_class)
    due, held = candidates(record_class, clock.now() - days * DAY, holds)
    out.held = held.count()
    skip: list[int] = []
    while True:
        ids = list(due.exclude(pk__in=skip).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        refused = _delete_batch(record_class, due, ids, out)
        out.blocked += len(refused)
        skip += refused
    return out


def _audit(out: Purged, days: int) -> None:
    counts = ", ".join(f"{label} {n}" for label, n in sorted(out.deleted.items()) if n)
    record(
        action=AuditAction.RECORDS_PURGED,
        object_type="retention",
        object_id=out.record_class,
        fields=sorted(label for label, n in out.deleted.items() if n),
        reason=(
            f"kept {days} days; deleted {out.total} rows ({counts or 'none'}); "
            f"kept under legal hold {out.held}; refused {out.blocked}"
        ),
    )


def retention_purge(*, batch: int | None = None) -> list[Purged]:
    """Delete what is past its retention period and under no hold, in batches; one audit entry
    per record class per run, with counts only."""
    batch = batch or settings.CAREDESK_RETENTION_BATCH
    holds = active_holds()
    results = []
    for record_class, days in retention_days().items():
        if days is None:
            continue
        out = _purge_class(record_class, days, holds, batch)
        _audit(out, days)
        results.append(out)
    return results
