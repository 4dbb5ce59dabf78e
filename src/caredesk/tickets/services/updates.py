"""Changing a ticket's properties: one UPDATE and one event per field that really changed;
a new status also sets its side columns (open or not, solved, closed, when it changed)."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from caredesk.accounts.models import Tier
from caredesk.core import clock
from caredesk.core.errors import Conflict, DomainError, ValidationFailed
from caredesk.tickets.models import (
    OPEN_STATUSES,
    STRUCTURED_FIELDS,
    CustomStatus,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from caredesk.tickets.services import events
from caredesk.tickets.services.assignment import assignment_refusal
from caredesk.tickets.services.clocks import clocks_sync, clocks_sync_many
from caredesk.tickets.services.events import Actor
from caredesk.tickets.services.guards import check_solvable, refusal, solve_blockers_many, solving
from caredesk.tickets.services.phi import phi_answer_names, seal_answers
from caredesk.tickets.services.reactions import react
from caredesk.tickets.services.statuses import custom_for, status_by_id
from caredesk.tickets.services.tags import set_tags, tags_named
from caredesk.tickets.services.validation import check_assignee, check_structured, clean_tags

UPDATABLE = {
    "status",
    "custom_status",
    "priority",
    "team",
    "tier",
    "assignee",
    "category",
    "tags",
    *STRUCTURED_FIELDS,
    "form",
    # set by the rules (not offered in the API or the properties form)
    "guidance",
    "escalation_block",
    "wake_at",
}


def validate_changes(ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key in changes:
        if key not in UPDATABLE:
            errors.setdefault(key, []).append("This field cannot be changed.")
    status = changes.get("status")
    if status is not None:
        if status not in Status.values:
            errors.setdefault("status", []).append("Unknown status.")
        elif status == Status.NEW and ticket.status != Status.NEW:
            errors.setdefault("status", []).append("A ticket cannot go back to new.")
    if "priority" in changes and changes["priority"] not in Priority.values:
        errors.setdefault("priority", []).append("Choose a level from 1 to 4.")
    if "tier" in changes and changes["tier"] not in Tier.values:
        errors.setdefault("tier", []).append("Choose tier 1, 2 or 3.")
    if "custom_status" in changes:
        _check_custom(ticket, changes, errors)
    if "assignee" in changes:
        check_assignee(changes["assignee"], errors)
        _check_gate(ticket, changes, errors)
    form = changes.get("form")
    if form is not None and (
        not isinstance(form, Mapping)
        or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 2000 for k, v in form.items()
        )
    ):
        errors.setdefault("form", []).append("Give answers as text, 2,000 characters at most.")
    return errors


def _check_gate(ticket: Ticket, changes: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    """The assignee must pass the assignment guards for the category the ticket will have."""
    if errors.get("assignee"):
        return
    category = changes.get("category", ticket.category)
    reason = assignment_refusal(changes["assignee"], category.pk if category else None)
    if reason:
        errors.setdefault("assignee", []).append(reason)


def _check_custom(ticket: Ticket, changes: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    """A custom status must be a status, in use (or the ticket's own), agreeing with any
    category given beside it."""
    custom = changes["custom_status"]
    if not isinstance(custom, CustomStatus):
        errors.setdefault("custom_status", []).append("Choose a status from the list.")
        return
    if not custom.active and custom.pk != ticket.custom_status_id:
        errors.setdefault("custom_status", []).append("This status is no longer in use.")
    status = changes.get("status")
    if status is not None and status != custom.category:
        errors.setdefault("status", []).append(
            f"“{custom.agent_label}” is a status of the {custom.category_label} category."
        )


def resolve_custom(value: Any) -> Any:
    """A custom status given by id (API, forms) as the row, or the value as it came."""
    if isinstance(value, CustomStatus | bool):
        return value
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return status_by_id(int(value)) or value
    return value


def checked_changes(ticket: Ticket, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The values `changes` will write to `ticket`, cleaned (a custom status given by id as
    its row, with its category); raises ValidationFailed, or Conflict for a closed ticket
    asked to reopen."""
    values = dict(changes)
    if "custom_status" in values:
        values["custom_status"] = resolve_custom(values["custom_status"])
    errors = validate_changes(ticket, values)
    if "tags" in values:
        values["tags"] = clean_tags(list(values["tags"] or []), errors)
    structured = {k: v for k, v in values.items() if k in STRUCTURED_FIELDS}
    values.update(check_structured(structured, errors))
    if errors:
        raise ValidationFailed("The ticket could not be updated.", errors=errors)
    if "custom_status" in values:  # a custom status sets its category too
        values["status"] = values["custom_status"].category
    if ticket.status == Status.CLOSED and values.get("status", Status.CLOSED) != Status.CLOSED:
        raise Conflict("This ticket is closed and cannot be reopened.")
    if values.get("assignee") and values.get("status", ticket.status) == Status.NEW:
        values["status"] = Status.OPEN  # someone owns it now
    return values


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    via: Mapping[str, str] | None = None,
) -> Ticket:
    """Change ticket properties; writes one event per field that really changed.

    `via` names, per field, the rule that decided the change (the rules apply a whole plan's
    field changes in one update)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    values = checked_changes(ticket, changes)
    now = clock.now()
    changed, written = apply_changes(ticket, values, actor, now, via=via)
    events.record(*written)
    if changed & SLA_FIELDS:
        clocks_sync(ticket=ticket, now=now)
    if changed - RULE_FIELDS:
        react(ticket, "field.changed", actor, changed=frozenset(changed))
    if "status" in changed:
        react(ticket, "status.changed", actor, changed=frozenset(changed))
    return ticket


RULE_FIELDS = frozenset({"guidance", "escalation_block", "wake_at"})
MANY_FIELDS = frozenset({"status", "custom_status", "priority", "team", "assignee", "tags"})


class ReactionRefused(DomainError):
    """A protocol's reaction to one ticket's change refused it (`tickets_update_many`)."""

    def __init__(self, ticket_id: int, cause: DomainError) -> None:
        super().__init__(cause.detail, errors=cause.errors)
        self.ticket_id = ticket_id
        self.cause = cause


def tickets_update_many(
    *, changes: Sequence[tuple[Ticket, Mapping[str, Any]]], actor: Actor
) -> None:
    """`ticket_update` for many tickets, written together: the caller has locked the tickets
    (tags prefetched, organization selected) and checked each one's values
    (`checked_changes`). The same events, SLA clocks and protocol reactions as one change at a
    time, in statements whose number does not grow with the tickets: one UPDATE per set of
    equal values, one for the tags removed and one for those added, the SLA clocks together,
    one INSERT of the events. Protocol reactions follow, ticket by ticket (nothing to read
    when no protocol listens); one that refuses raises ReactionRefused, and the caller's
    transaction takes everything back. Only MANY_FIELDS may change."""
    now = clock.now()
    written: list[TicketEvent] = []
    columns: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    tagged: list[tuple[Ticket, list[str], list[str]]] = []
    done: list[tuple[Ticket, set[str]]] = []
    was_open = {ticket.pk: ticket.is_open for ticket, _values in changes}
    # the solve guards read every ticket being solved or closed at once; one with unfinished
    # work (open tasks, required steps) sends the caller to change the tickets one at a time
    finishing = [
        ticket
        for ticket, values in changes
        if solving(ticket.status, values.get("status", ticket.status))
    ]
    blocked = solve_blockers_many(finishing)
    for ticket in finishing:
        if blocked[ticket.pk]:
            raise ReactionRefused(ticket.pk, refusal(ticket, blocked[ticket.pk]))
    for ticket, values in changes:
        if set(values) - MANY_FIELDS:
            raise ValueError(f"Not changed together: {sorted(set(values) - MANY_FIELDS)}")
        staged = stage_changes(ticket, values, actor, now, guarded=True)
        written += staged.events
        if staged.tags is not None:
            tagged.append((ticket, *staged.tags))
        ticket.updated_at = now
        key = tuple(sorted(_column_values(ticket, [*staged.columns, "updated_at"]).items()))
        columns.setdefault(key, []).append(ticket.pk)
        done.append((ticket, staged.changed))
    for key, pks in columns.items():
        Ticket.objects.filter(pk__in=pks).update(**{k: _in_db(k, v, now) for k, v in key})
    _retag(tagged)
    timed = [t for t, changed in done if changed & SLA_FIELDS]
    written += clocks_sync_many(tickets=timed, now=now)
    events.record(*written)
    for ticket, changed in done:
        _task_moved(ticket, was_open[ticket.pk], actor)
        try:
            if changed - RULE_FIELDS:
                react(ticket, "field.changed", actor, changed=frozenset(changed))
            if "status" in changed:
                react(ticket, "status.changed", actor, changed=frozenset(changed))
        except DomainError as exc:
            raise ReactionRefused(ticket.pk, exc) from exc


def _attname(name: str) -> str:
    """The column attribute of a field: `team_id` for `team`."""
    return str(getattr(Ticket._meta.get_field(name), "attname", name))


_COALESCE = object()  # closing keeps the instant the ticket was solved, if it was


def _column_values(ticket: Ticket, names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        attname = _attname(name)
        out[attname] = getattr(ticket, attname)
    if ticket.status == Status.CLOSED and "closed_at" in out:
        out["solved_at"] = _COALESCE
    return out


def _in_db(name: str, value: Any, now: datetime) -> Any:
    return Coalesce(F(name), Value(now)) if value is _COALESCE else value


def _retag(tagged: list[tuple[Ticket, list[str], list[str]]]) -> None:
    """Tags of many tickets: one DELETE of the links dropped, one INSERT of those added."""
    if not tagged:
        return
    through = Ticket.tags.through
    tags = tags_named({n for _t, old, new in tagged for n in [*old, *new]})
    dropped: list[Q] = []
    added = []
    for ticket, old, new in tagged:
        if gone := [tags[n].pk for n in set(old) - set(new)]:
            dropped.append(Q(ticket_id=ticket.pk, tag_id__in=gone))
        added += [through(ticket_id=ticket.pk, tag_id=tags[n].pk) for n in set(new) - set(old)]
        getattr(ticket, "_prefetched_objects_cache", {}).pop("tags", None)  # stale now
    if dropped:
        through.objects.filter(reduce(operator.or_, dropped)).delete()
    if added:
        through.objects.bulk_create(added, ignore_conflicts=True)


def ref_value(value: Any) -> Any:
    """How a value is recorded in an event: rows by id, instants as ISO 8601 text."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    return value


SLA_FIELDS = frozenset({"status", "priority", "category"})


def apply_changes(
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    now: Any,
    *,
    also: tuple[str, ...] | list[str] = (),
    via: Mapping[str, str] | None = None,
) -> tuple[set[str], list[TicketEvent]]:
    """Write the changed fields (and the columns in `also`, already set on the ticket) in one
    UPDATE; returns the names of the fields changed and their events, for the caller to record.
    """
    was_open = ticket.is_open
    staged = stage_changes(ticket, changes, actor, now, via=via)
    if staged.tags is not None:
        set_tags(ticket, staged.tags[1])
    ticket.updated_at = now
    ticket.save(update_fields=[*also, *staged.columns, "updated_at"])
    _task_moved(ticket, was_open, actor)
    return staged.changed - set(also), staged.events


def _task_moved(ticket: Ticket, was_open: bool, actor: Actor) -> None:
    """A task that opened or finished: its parent waits for it or stops waiting."""
    if ticket.parent_id is not None and was_open != ticket.is_open:
        from caredesk.tickets.services.tasks import task_status_changed

        task_status_changed(ticket, actor)


@dataclass
class Staged:
    """Changes set on a ticket in memory, not yet written: the columns to write, the fields
    changed (form answers as `form.<name>`), their events, and the tags (old, new) if changed."""

    columns: list[str] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    events: list[TicketEvent] = field(default_factory=list)
    tags: tuple[list[str], list[str]] | None = None


def stage_changes(
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    now: Any,
    *,
    via: Mapping[str, str] | None = None,
    guarded: bool = False,
) -> Staged:
    """Set the changed fields on the ticket in memory and build one event per real change
    (`guarded`: the solve guards were asked already, for many tickets at once)."""
    staged = Staged()
    if "status" in changes or "custom_status" in changes:
        status_columns, event = _apply_status(
            ticket, changes, actor, now, via or {}, guarded=guarded
        )
        staged.columns += status_columns
        staged.changed.update(status_columns)
        staged.events += [event] if event is not None else []
    for key, new in changes.items():
        if key in ("status", "custom_status"):
            continue
        if key == "form":  # form answers: merged, one event per answer that changed
            answers, formed = dict(ticket.form_data or {}), False
            for name, value in seal_answers(new, phi_answer_names(ticket.category_id)).items():
                if answers.get(name) != value:
                    staged.events.append(
                        events.field_changed(
                            ticket, actor, f"form.{name}", answers.get(name), value
                        )
                    )
                    answers[name] = value
                    staged.changed.add(f"form.{name}")
                    formed = True
            if formed:
                ticket.form_data = answers
                staged.columns.append("form_data")
            continue
        if key == "tags":
            old_tags = sorted(t.name for t in ticket.tags.all())
            if old_tags != new:
                staged.tags = (old_tags, list(new))  # not a column: no field reaction
                rule = (via or {}).get("tags")
                staged.events.append(
                    events.field_changed(ticket, actor, "tags", old_tags, new, rule=rule)
                )
            continue
        old = getattr(ticket, _attname(key))  # a row by its id: no read of the row replaced
        if ref_value(old) == ref_value(new):
            continue
        setattr(ticket, key, new)
        staged.columns.append(key)
        staged.changed.add(key)
        staged.events.append(
            events.field_changed(
                ticket, actor, key, ref_value(old), ref_value(new), rule=(via or {}).get(key)
            )
        )
    return staged


def _apply_status(
    ticket: Ticket,
    changes: Mapping[str, Any],
    actor: Actor,
    now: Any,
    via: Mapping[str, str],
    *,
    guarded: bool = False,
) -> tuple[list[str], TicketEvent | None]:
    """A new category, custom status or both: one event, naming the statuses as the desk does
    ("Open → Awaiting lab results (Pending)")."""
    old_status, old_custom = ticket.status, status_by_id(ticket.custom_status_id)
    new_status = changes.get("status", old_status)
    if not guarded:
        check_solvable(ticket, old_status, new_status)  # open tasks or required steps refuse it
    if "custom_status" in changes:
        new_custom = changes["custom_status"]
    else:
        new_custom = custom_for(new_status, old_custom)
    dirty: list[str] = []
    if (new_custom.pk if new_custom else None) != ticket.custom_status_id:
        ticket.custom_status = new_custom
        dirty.append("custom_status")
    if new_status != old_status:
        ticket.status = new_status
        dirty += ["status", *status_side_columns(ticket, new_status, now)]
    if not dirty:
        return [], None
    rule = via.get("custom_status") or via.get("status")
    event = events.field_changed(
        ticket,
        actor,
        "status",
        old_status,
        new_status,
        rule=rule,
        data={
            "custom_status": [old_custom.pk if old_custom else None, ticket.custom_status_id],
            "labels": [_label(old_custom, old_status), _label(new_custom, new_status)],
        },
    )
    return dirty, event


def _label(custom: CustomStatus | None, status: str) -> str:
    return custom.agent_label if custom is not None else str(Status(status).label)


def status_side_columns(ticket: Ticket, status: str, now: Any) -> list[str]:
    ticket.is_open = status in OPEN_STATUSES
    ticket.status_changed_at = now
    if status == Status.SOLVED:
        ticket.solved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None
    return ["is_open", "solved_at", "closed_at", "status_changed_at"]
