"""Changing many tickets at once (the desk's selection, the API's bulk operation).

The selection is locked and each ticket's outcome decided first (a ticket the agent cannot see,
a protocol's block, a transition the ticket cannot make: refused, the others still change);
then the changes of all are written together (`tickets_update_many`): the same events, SLA
clocks and protocol reactions as a single change, in a number of statements that does not grow
with the selection. Should a protocol refuse a ticket's change in reacting to it, everything is
taken back and the selection goes through `ticket_update` one ticket at a time, each on its own
savepoint, so that only that ticket is refused. The answer says, per ticket, what changed or
why nothing did.

Merging is not a bulk change of fields: other operations on a selection register themselves in
`selection_operations` (a name, a label and a callable), and the desk offers them beside these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction

from caredesk.accounts.models import Team, User
from caredesk.core import confcache
from caredesk.core.errors import DomainError, ValidationFailed
from caredesk.core.registries import Registry
from caredesk.tickets import selectors
from caredesk.tickets.models import CustomStatus, Ticket
from caredesk.tickets.services.updates import (
    ReactionRefused,
    checked_changes,
    ticket_update,
    tickets_update_many,
)
from caredesk.tickets.services.validation import check_assignee, clean_tags

MAX_BULK = 100


@dataclass(frozen=True)
class BulkChanges:
    """The same change for every ticket of a selection; None (or empty) leaves a field alone."""

    status: str | None = None
    custom_status: int | None = None  # a custom status's id (sets its category too)
    priority: int | None = None
    team: Team | None = None
    assignee: User | None = None
    unassign: bool = False
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()

    def empty(self) -> bool:
        return not (
            self.status
            or self.custom_status
            or self.priority
            or self.team
            or self.assignee
            or self.unassign
            or self.tags_add
            or self.tags_remove
        )


Outcome = Literal["changed", "unchanged", "refused"]


@dataclass(frozen=True)
class BulkResult:
    """One ticket's outcome: the fields changed, or why it was refused."""

    ticket_id: int
    ref: str
    outcome: Outcome
    changed: tuple[str, ...] = ()
    reason: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SelectionOperation:
    """Another operation on a selection of tickets (merging, for one), shown beside these."""

    label: str
    run: Callable[..., list[BulkResult]]


selection_operations: Registry[SelectionOperation] = Registry("selection operations")

NOT_VISIBLE = "No such ticket, or you cannot see it."


def _check(changes: BulkChanges, ticket_ids: Sequence[int]) -> tuple[list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    if not ticket_ids:
        errors["tickets"] = ["Select at least one ticket."]
    elif len(ticket_ids) > MAX_BULK:
        errors["tickets"] = [f"Select at most {MAX_BULK} tickets at a time."]
    if changes.empty():
        errors["changes"] = ["Choose at least one change."]
    if changes.assignee is not None and changes.unassign:
        errors["assignee"] = ["Either assign the tickets or leave them unassigned."]
    check_assignee(changes.assignee, errors)
    if changes.custom_status is not None and not (
        CustomStatus.objects.filter(pk=changes.custom_status, active=True).exists()
    ):
        errors["custom_status"] = ["Choose a status from the list."]
    add = clean_tags(list(changes.tags_add), errors)
    remove = clean_tags(list(changes.tags_remove), errors)
    if set(add) & set(remove):
        errors["tags_remove"] = ["A tag cannot be both added and removed."]
    if errors:
        raise ValidationFailed("Nothing was changed.", errors=errors)
    return add, remove


def _wanted(
    ticket: Ticket, changes: BulkChanges, add: list[str], remove: list[str]
) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    if changes.status:
        wanted["status"] = changes.status
    if changes.custom_status:
        wanted["custom_status"] = changes.custom_status
    if changes.priority:
        wanted["priority"] = changes.priority
    if changes.team is not None:
        wanted["team"] = changes.team
    if changes.assignee is not None or changes.unassign:
        wanted["assignee"] = changes.assignee
    if add or remove:
        current = [t.name for t in ticket.tags.all()]
        wanted["tags"] = sorted((set(current) | set(add)) - set(remove))
    return wanted


def _differs(ticket: Ticket, wanted: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for key, wanted_value in wanted.items():
        new = wanted_value
        if key == "tags":
            old: Any = sorted(t.name for t in ticket.tags.all())
        elif key == "custom_status":
            old = ticket.custom_status_id
        elif key in ("team", "assignee"):
            old, new = getattr(ticket, f"{key}_id"), new.pk if new is not None else None
        else:
            old = getattr(ticket, key)
        if old != new:
            out.append(key)
    return tuple(out)


def _blocked(ticket: Ticket, wanted: dict[str, Any]) -> str:
    """A protocol's standing block on moving the ticket to another team ('' if none)."""
    team = wanted.get("team")
    if team is not None and team.pk != ticket.team_id and ticket.escalation_block:
        return f"The protocol says not to escalate it: {ticket.escalation_block}"
    return ""


def _refused(ticket: Ticket, exc: DomainError) -> BulkResult:
    reason = exc.detail
    if exc.errors:
        reason = " ".join(m for messages in exc.errors.values() for m in messages)
    return BulkResult(ticket.pk, ticket.ref, "refused", reason=reason, errors=exc.errors)


def _one(ticket: Ticket, wanted: dict[str, Any], actor: User) -> BulkResult:
    changing = _differs(ticket, wanted)
    if not changing:
        return BulkResult(ticket.pk, ticket.ref, "unchanged")
    blocked = _blocked(ticket, wanted)
    if blocked:
        return BulkResult(ticket.pk, ticket.ref, "refused", reason=blocked)
    try:  # ticket_update is atomic: a refusal rolls back this ticket's savepoint only
        ticket_update(ticket=ticket, changes={k: wanted[k] for k in changing}, actor=actor)
    except DomainError as exc:
        return _refused(ticket, exc)
    return BulkResult(ticket.pk, ticket.ref, "changed", changed=changing)


def _one_by_one(
    ids: list[int], changes: BulkChanges, add: list[str], remove: list[str], actor: User
) -> list[BulkResult]:
    """Each ticket through `ticket_update` on its own savepoint (when a protocol refuses a
    ticket's change in reaction to it, the others must still change)."""
    tickets = {
        t.pk: t
        for t in selectors.tickets_visible(actor).filter(pk__in=ids).prefetch_related("tags")
    }
    results = []
    for pk in ids:
        ticket = tickets.get(pk)
        if ticket is None:
            results.append(BulkResult(pk, "", "refused", reason=NOT_VISIBLE))
            continue
        results.append(_one(ticket, _wanted(ticket, changes, add, remove), actor))
    return results


def _together(
    ids: list[int], changes: BulkChanges, add: list[str], remove: list[str], actor: User
) -> list[BulkResult]:
    """Lock the tickets `actor` may see (one query), decide each one's outcome in memory, and
    write the changes of all in one go (`tickets_update_many`)."""
    tickets = {
        t.pk: t
        for t in selectors.tickets_visible(actor)
        .filter(pk__in=ids)
        .select_related("organization")  # the SLA policies match on the client's plan
        .prefetch_related("tags")
        .select_for_update(of=("self",))
        .order_by("pk")
    }
    results: dict[int, BulkResult] = {}
    writes: list[tuple[Ticket, dict[str, Any]]] = []
    for pk in ids:
        ticket = tickets.get(pk)
        if ticket is None:
            results[pk] = BulkResult(pk, "", "refused", reason=NOT_VISIBLE)
            continue
        wanted = _wanted(ticket, changes, add, remove)
        changing = _differs(ticket, wanted)
        blocked = _blocked(ticket, wanted) if changing else ""
        if not changing:
            results[pk] = BulkResult(pk, ticket.ref, "unchanged")
        elif blocked:
            results[pk] = BulkResult(pk, ticket.ref, "refused", reason=blocked)
        else:
            try:
                writes.append((ticket, checked_changes(ticket, {k: wanted[k] for k in changing})))
            except DomainError as exc:
                results[pk] = _refused(ticket, exc)
                continue
            results[pk] = BulkResult(pk, ticket.ref, "changed", changed=changing)
    tickets_update_many(changes=writes, actor=actor)
    return [results[pk] for pk in ids]


def tickets_bulk_update(
    *, ticket_ids: Sequence[int], changes: BulkChanges, actor: User
) -> list[BulkResult]:
    """Apply the same change to each ticket `actor` may see: the same events (one per field
    that really changed), SLA clocks and protocol reactions as `ticket_update` one ticket at a
    time, in a number of statements that does not grow with the selection; returns one result
    per requested ticket, in order."""
    add, remove = _check(changes, ticket_ids)
    ids = list(dict.fromkeys(ticket_ids))
    with confcache.pinned():  # SLA policies and protocols are read once for the selection
        try:
            with transaction.atomic():
                return _together(ids, changes, add, remove, actor)
        except ReactionRefused:
            pass  # all taken back: again one ticket at a time, so that only that one is refused
        return _one_by_one(ids, changes, add, remove, actor)
