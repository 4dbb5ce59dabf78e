"""SLA writers: keep each ticket's clocks in step with the ticket, and fire warnings/breaches.

The ticket services call `sla_open` and `sla_sync` (through the clock keeper, `keeper.py`) inside
their transaction, so the stored due instants always match the ticket; these write the clocks
only and return what the ticket is owed, which the ticket services write. `sla_tick` is the
idempotent periodic sweep; its events go through the ticket services' event writer too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction

from caredesk.core import clock as clock_source
from caredesk.core.confcache import bump
from caredesk.core.errors import ValidationFailed
from caredesk.sla import clocks, subjects
from caredesk.sla.calendar import BusinessCalendar
from caredesk.sla.models import Calendar, Metric, SlaClock, SlaPolicy, SlaTarget
from caredesk.sla.plans import plan_names, ticket_plans
from caredesk.sla.selectors import (
    business_calendar,
    calendar_for,
    policies,
    policy_for,
    pure_clock,
    snapshot,
)
from caredesk.tickets.models import OPEN_STATUSES, Ticket, TicketEvent
from caredesk.tickets.services import events as ticket_events
from caredesk.tickets.services.clocks import Planned, Synced, clocks_sync
from caredesk.tickets.services.reactions import clocks_fired

log = logging.getLogger(__name__)
TICK_BATCH = 500
TICK_FIELDS = ["warnings_fired", "breached_at", "due_at", "next_check_at"]


def _target(policy: SlaPolicy | None, ticket: Ticket, metric: str) -> SlaTarget | None:
    if policy is None:
        return None
    for target in policy.targets.all():
        if target.priority == ticket.priority and target.metric == metric:
            return target
    return None


def _store(
    row: SlaClock, c: clocks.Clock, cal: BusinessCalendar, fractions: tuple[float, ...]
) -> None:
    row.target_seconds = int(c.target.total_seconds())
    row.elapsed_seconds = c.elapsed.total_seconds()
    row.running_since = c.running_since
    row.stopped_at = c.stopped_at
    row.breached_at = c.breached_at
    row.warnings_fired = list(c.warnings_fired)
    row.due_at = clocks.due_at(cal, c)
    row.next_check_at = clocks.next_check(cal, c, fractions)


def _fractions(policy: SlaPolicy | None) -> tuple[float, ...]:
    return tuple(float(f) for f in (policy.warn_at if policy else []))


def _desired(
    ticket: Ticket, metric: str, c: clocks.Clock, policy: SlaPolicy | None, *, agent_reply: bool
) -> str:
    """'run', 'pause' or 'stop' for a clock given the ticket's state."""
    if ticket.status not in OPEN_STATUSES:
        return "stop"
    if metric == Metric.FIRST_RESPONSE:
        return "stop" if ticket.first_response_at else "run"
    if metric == Metric.NEXT_RESPONSE:
        return "stop" if agent_reply or c.stopped_at else "run"
    paused = policy.pause_statuses if policy else []
    return "pause" if ticket.status in paused else "run"


def _new_row(
    ticket: Ticket, metric: str, target: SlaTarget | None, now: datetime, customer_message: bool
) -> SlaClock | None:
    if target is None:
        return None
    if metric == Metric.NEXT_RESPONSE:
        if not (customer_message and ticket.first_response_at):
            return None  # starts with the first customer message after a response
        start = now
    else:
        start = ticket.created_at
    return SlaClock(
        ticket=ticket, metric=metric, started_at=start, running_since=start, target_seconds=0
    )


@dataclass
class _Plan:
    """What reconciling a ticket's clocks decided: rows to write or drop, events owed."""

    keep: list[SlaClock] = field(default_factory=list)
    drop: list[SlaClock] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)

    @property
    def due_at(self) -> datetime | None:
        """The earliest due instant of the running clocks (the ticket's `sla_due_at`)."""
        due = [r.due_at for r in self.keep if r.running_since is not None and r.due_at]
        return min(due) if due else None


def _reconcile(
    ticket: Ticket,
    rows: dict[str, SlaClock],
    now: datetime,
    *,
    customer_message: bool,
    agent_reply: bool,
    candidates: list[SlaPolicy] | None = None,
    plans: frozenset[str] | None = None,
) -> _Plan:
    """Decide every clock of the ticket from its policy, level and status (no writes)."""
    plan = _Plan()
    policy = policy_for(ticket, candidates, plans)
    for metric in Metric.values:
        target = _target(policy, ticket, metric)
        row = rows.get(metric) or _new_row(ticket, metric, target, now, customer_message)
        if row is None:
            continue
        if target is None:  # the policy no longer promises this metric for this level
            if row.pk:
                plan.drop.append(row)
            continue
        assert policy is not None  # a target comes from a policy
        calendar = calendar_for(policy, target, ticket)
        cal = business_calendar(calendar)
        c = pure_clock(row)
        before = snapshot().calendars.get(row.calendar_id) if row.calendar_id else None
        if row.pk and before is not None and before.pk != calendar.pk:
            # Another calendar from now on (a new level, or the ticket was flagged): the time
            # used so far is counted on the old one, the rest on the new one.
            c = clocks.pause(business_calendar(before), c, now)
        if (
            metric == Metric.NEXT_RESPONSE
            and customer_message
            and row.pk
            and c.stopped_at is not None
            and ticket.first_response_at
        ):
            c = clocks.start(c.target, now)  # a new unanswered message: a new cycle
            row.started_at = now
        want = _desired(ticket, metric, c, policy, agent_reply=agent_reply)
        if want == "stop":
            c = clocks.stop(cal, c, now)
        elif want == "pause":
            c = clocks.pause(cal, replace(c, stopped_at=None), now)
        else:
            c = clocks.resume(c, now)
        c = replace(c, target=timedelta(minutes=target.minutes))  # re-target keeps time used
        row.policy, row.calendar = policy, calendar
        newly_breached = c.breached_at is not None and row.breached_at is None
        _store(row, c, cal, _fractions(policy))
        plan.keep.append(row)
        if newly_breached and c.breached_at is not None:
            # Stopped or paused after its due instant before the sweep saw it: record it now.
            plan.events.append(
                ticket_events.sla_breached(
                    ticket_id=ticket.pk, metric=metric, due_at=c.breached_at, at=now
                )
            )
    return plan


def sla_open(
    *,
    ticket: Ticket,
    now: datetime,
    candidates: list[SlaPolicy] | None = None,
    plans: frozenset[str] | None = None,
) -> Planned:
    """The clocks of a ticket about to be inserted (unsaved) and when the first is due; the
    ticket services insert them right after the ticket. `candidates`: the policies, and
    `plans`: the plans the ticket meets, read once per batch."""
    plan = _reconcile(
        ticket,
        {},
        now,
        customer_message=False,
        agent_reply=False,
        candidates=candidates,
        plans=plans,
    )
    return Planned(clocks=plan.keep, due_at=plan.due_at)


def sla_sync(
    *,
    ticket: Ticket,
    now: datetime,
    customer_message: bool = False,
    agent_reply: bool = False,
) -> Synced:
    """Reconcile the ticket's clocks with its policy, level and status and store them; returns
    the ticket's earliest due instant and the events owed, for the ticket services to write."""
    rows = {row.metric: row for row in ticket.sla_clocks.all()}
    plan = _reconcile(ticket, rows, now, customer_message=customer_message, agent_reply=agent_reply)
    for row in plan.keep:
        row.save()
    for row in plan.drop:
        row.delete()
    return Synced(due_at=plan.due_at, events=plan.events)


def _waiting(row: SlaClock | None, now: datetime) -> timedelta | None:
    """Business time a running response clock has used by `now` (None: not waiting)."""
    if row is None or row.running_since is None or row.stopped_at is not None:
        return None
    if row.calendar is None:
        return None
    return clocks.used(business_calendar(row.calendar), pure_clock(row), now)


def sla_merge(*, source: Ticket, target: Ticket, now: datetime) -> Synced:
    """The target's clocks once `source` is merged into it (its messages moved already, the
    source still open). The longer wait counts:

    - the target not answered yet: its first-response clock counts the business time the
      source's requester has waited, if longer (an older unanswered source brings its earlier
      due time);
    - the target answered already: a source still waiting for an answer (first or next
      response running) makes the target owe a next response, counted from that wait;
    - resolution stays the target's own (its level, status and pauses decide it).
    """
    src = {row.metric: row for row in source.sla_clocks.select_related("calendar")}
    waited = _waiting(src.get(Metric.FIRST_RESPONSE), now) or _waiting(
        src.get(Metric.NEXT_RESPONSE), now
    )
    if waited is None:
        return sla_sync(ticket=target, now=now)
    answered = target.first_response_at is not None
    metric = Metric.NEXT_RESPONSE if answered else Metric.FIRST_RESPONSE
    # an answered target starts (or keeps) a next-response cycle, as a requester message would
    sla_sync(ticket=target, now=now, customer_message=answered)
    row = target.sla_clocks.select_related("calendar").filter(metric=metric).first()
    mine = _waiting(row, now)
    if row is not None and mine is not None and waited > mine:
        row.elapsed_seconds = waited.total_seconds()
        row.running_since = now
        row.save(update_fields=["elapsed_seconds", "running_since"])
    return sla_sync(ticket=target, now=now)


def sla_sync_many(*, tickets: Sequence[Ticket], now: datetime) -> list[Synced]:
    """`sla_sync` for many tickets changed together (a bulk change; no message with it): one
    read of their clocks and the policies, then one DELETE and one INSERT of the clocks
    (kept rows keep their ids), whatever the number of tickets."""
    rows: dict[int, dict[str, SlaClock]] = {t.pk: {} for t in tickets}
    for row in SlaClock.objects.filter(ticket_id__in=rows):
        rows[row.ticket_id][row.metric] = row
    candidates = policies()
    met = ticket_plans(tickets)
    plans = [
        _reconcile(
            t,
            rows[t.pk],
            now,
            customer_message=False,
            agent_reply=False,
            candidates=candidates,
            plans=m,
        )
        for t, m in zip(tickets, met, strict=True)
    ]
    kept = [row for p in plans for row in p.keep]
    # Rows written again are deleted and inserted with their ids (nothing refers to a clock):
    # an UPDATE of many rows with a CASE per column took seconds to build in Python.
    gone = [row.pk for row in kept if row.pk] + [row.pk for p in plans for row in p.drop]
    if gone:
        SlaClock.objects.filter(pk__in=gone).delete()
    if kept:
        SlaClock.objects.bulk_create(kept)
    return [Synced(due_at=p.due_at, events=p.events) for p in plans]


# -- the periodic tick ------------------------------------------------------------------------


def _fire(row: SlaClock, now: datetime) -> list[TicketEvent]:
    """Advance one locked clock to `now`: the events it owes, in order; updates the row."""
    if row.calendar is None:
        row.next_check_at = None
        return []
    cal = business_calendar(row.calendar)
    fractions = _fractions(row.policy)
    c = pure_clock(row)
    events: list[TicketEvent] = []
    for fraction, when in clocks.warning_instants(cal, c, fractions):
        if when <= now:
            events.append(
                ticket_events.sla_warning(
                    ticket_id=row.ticket_id,
                    metric=row.metric,
                    fraction=fraction,
                    due_at=row.due_at,
                    when=when,
                    at=now,
                )
            )
            c = replace(c, warnings_fired=(*c.warnings_fired, fraction))
    due = clocks.due_at(cal, c)
    if c.breached_at is None and due is not None and due <= now:
        events.append(
            ticket_events.sla_breached(
                ticket_id=row.ticket_id, metric=row.metric, due_at=due, at=now
            )
        )
        c = replace(c, breached_at=due)
    _store(row, c, cal, fractions)
    return events


def _tick_subjects(now: datetime, limit: int) -> tuple[int, int]:
    """The same for the clocks that belong to what tickets carry (`subjects.py`)."""
    with transaction.atomic():
        rows = subjects.due_subject_clocks(now, limit)
        events = [e for row in rows for e in subjects.fire(row, now)]
        for row in rows:
            row.save(update_fields=subjects.TICK_FIELDS)
        ticket_events.record(*events)
        if events:
            clocks_fired(written=events)
    return len(rows), len(events)


def _tick_batch(now: datetime, limit: int) -> tuple[int, int]:
    """Lock up to `limit` due clocks (others' locks are skipped), fire them, in one transaction."""
    with transaction.atomic():
        qs = (
            SlaClock.objects.select_related("calendar", "policy")
            .filter(next_check_at__lte=now)
            .order_by("next_check_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs[:limit])
        events = [e for row in rows for e in _fire(row, now)]
        for row in rows:  # one short UPDATE each; bulk_update's CASE chains cost more in Python
            row.save(update_fields=TICK_FIELDS)
        ticket_events.record(*events)
        if events:
            clocks_fired(written=events)
    return len(rows), len(events)


def _tick_one(clock_id: int, now: datetime) -> int:
    """Fire one clock if it is still due (used by tests that race two workers)."""
    with transaction.atomic():
        locked = SlaClock.objects.select_for_update(
            of=("self",) if connection.features.has_select_for_update_of else ()
        )
        row = (
            locked.select_related("calendar", "policy")
            .filter(pk=clock_id, next_check_at__lte=now)
            .first()
        )
        if row is None:
            return 0
        events = _fire(row, now)
        row.save(update_fields=TICK_FIELDS)
        ticket_events.record(*events)
        return len(events)


def sla_tick(*, now: datetime | None = None) -> int:
    """Emit every warning and breach that is due, exactly once; catches up after downtime."""
    now = now or clock_source.now()
    written = 0
    for batch in (_tick_batch, _tick_subjects):
        while True:
            taken, events = batch(now, TICK_BATCH)
            written += events
            if taken < TICK_BATCH:
                break
    return written


def sla_recompute_open(*, batch: int = 500) -> int:
    """Re-apply policies to every open ticket (after a policy or calendar change)."""
    count = 0
    last = 0
    while True:
        tickets = list(
            Ticket.objects.filter(is_open=True, pk__gt=last)
            .select_related("organization")
            .order_by("pk")[:batch]
        )
        if not tickets:
            return count
        for ticket in tickets:
            with transaction.atomic():
                clocks_sync(ticket=ticket)
            count += 1
        last = tickets[-1].pk


# -- configuration writers ----------------------------------------------------------------------


def _recompute_after_commit() -> None:
    from caredesk.sla.tasks import sla_recompute_task

    bump("sla")  # also covers bulk writes, which send no signals
    transaction.on_commit(sla_recompute_task)


def _validated(obj: Any) -> None:
    try:
        obj.full_clean()
    except DjangoValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise ValidationFailed("The configuration is not valid.", errors=errors) from None


@transaction.atomic
def calendar_save(*, calendar: Calendar) -> Calendar:
    """Validate and store a calendar; open tickets are re-timed after commit."""
    _validated(calendar)
    calendar.save()
    _recompute_after_commit()
    return calendar


def around_the_clock_id() -> int | None:
    """The 24/7 calendar new policies use for flagged tickets unless told otherwise."""
    found = Calendar.objects.filter(always_open=True).order_by("pk").values_list("pk", flat=True)
    return found.first()


@dataclass(frozen=True)
class TargetSpec:
    priority: int
    metric: str
    minutes: int
    calendar: Calendar


@transaction.atomic
def policy_save(
    *,
    policy: SlaPolicy,
    targets: list[TargetSpec] | None = None,
    organizations: list[Any] | None = None,
    categories: list[Any] | None = None,
) -> SlaPolicy:
    """Validate and store a policy (and, when given, replace its targets and conditions)."""
    errors: dict[str, list[str]] = {}
    for name, values, allowed in (
        ("plans", policy.plans, plan_names()),
        ("channels", policy.channels, {"portal", "email", "chat", "phone", "api", "video"}),
        ("priorities", policy.priorities, {1, 2, 3, 4}),
        ("pause_statuses", policy.pause_statuses, {"new", "open", "pending", "on_hold"}),
    ):
        bad = [v for v in values or [] if v not in allowed]
        if bad:
            errors[name] = [f"Not allowed: {', '.join(map(str, bad))}."]
    if any(not isinstance(f, int | float) or not 0 < f < 1 for f in policy.warn_at or []):
        errors["warn_at"] = ["Use fractions between 0 and 1, such as 0.75."]
    seen: set[tuple[int, str]] = set()
    for t in targets or []:
        if (t.priority, t.metric) in seen:
            errors.setdefault("targets", []).append(
                f"Level {t.priority} {t.metric} is given twice."
            )
        seen.add((t.priority, t.metric))
    if errors:
        raise ValidationFailed("The policy is not valid.", errors=errors)
    _validated(policy)
    policy.save()
    if organizations is not None:
        policy.organizations.set(organizations)
    if categories is not None:
        policy.categories.set(categories)
    if targets is not None:
        policy.targets.all().delete()
        SlaTarget.objects.bulk_create(
            SlaTarget(
                policy=policy,
                priority=t.priority,
                metric=t.metric,
                minutes=t.minutes,
                calendar=t.calendar,
            )
            for t in targets
        )
    _recompute_after_commit()
    return policy


@transaction.atomic
def policy_delete(*, policy: SlaPolicy) -> None:
    policy.delete()
    _recompute_after_commit()
