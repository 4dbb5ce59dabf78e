"""The one writer of the reports' tables: reads the ticket events after its cursor, in id order,
replays each onto its ticket's facts (`fold.replay`) and adds what it counts to the rollups.

A batch is one transaction holding the cursor's row lock, so two workers never count an event
twice. An id below the newest one read that is not there yet belongs to a transaction still
open (or rolled back): it is remembered as a gap and looked for again on every run for
GAP_WAIT, then forgotten. Nothing here reads the ticket table except for tickets whose facts
began before their events were kept (the `created` event of an older install lacks a field).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from caredesk.core import clock
from caredesk.reports import fold
from caredesk.reports.models import Contribution, Cursor, DimRollup, Rollup, TicketFacts
from caredesk.tickets.models import Ticket, TicketEvent

BATCH = 2000
GAP_WAIT = timedelta(minutes=10)
MAX_GAPS = 10_000
KEY = ("day", *fold.DIMENSIONS)
DIM_KEY = ("dim", "value", "day")
_EVENT_FIELDS = (
    "id", "ticket_id", "kind", "field", "old", "new", "data", "actor_user_id",
    "actor_contact_id", "created_at",
)  # fmt: skip


def day_of(at: datetime) -> date:
    """The day a moment belongs to, in the desk's time zone (`TIME_ZONE`)."""
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def advance(*, batch: int = BATCH) -> int:
    """Read every event written since the last run; the number read."""
    total = 0
    while True:
        read = _one_batch(batch)
        total += read
        if read < batch:
            return total


@transaction.atomic
def _one_batch(size: int) -> int:
    cursor, _ = Cursor.objects.select_for_update().get_or_create(pk=1)
    now = clock.now()
    gaps: dict[str, str] = dict(cursor.gaps or {})
    late = []
    if gaps:
        late = list(
            TicketEvent.objects.filter(pk__in=[int(g) for g in gaps]).values(*_EVENT_FIELDS)
        )
    new = list(
        TicketEvent.objects.filter(pk__gt=cursor.last_id)
        .order_by("pk")
        .values(*_EVENT_FIELDS)[:size]
    )
    expected = cursor.last_id + 1
    for row in new:
        for missing in range(expected, min(row["id"], expected + MAX_GAPS)):
            gaps[str(missing)] = now.isoformat()
        expected = row["id"] + 1
    for row in late:
        gaps.pop(str(row["id"]), None)
    oldest = now - GAP_WAIT
    gaps = {k: v for k, v in gaps.items() if datetime.fromisoformat(v) >= oldest}
    if len(gaps) > MAX_GAPS:
        gaps = dict(sorted(gaps.items(), key=lambda kv: int(kv[0]))[-MAX_GAPS:])
    rows = sorted(late + new, key=lambda r: r["id"])
    if rows:
        _apply(rows)
    if new:
        cursor.last_id = new[-1]["id"]
    cursor.gaps = gaps
    cursor.updated_at = now
    cursor.save()
    return len(new)


def _event(row: dict[str, Any]) -> fold.Event:
    return fold.Event(
        id=row["id"],
        ticket_id=row["ticket_id"],
        kind=row["kind"],
        field=row["field"],
        old=row["old"],
        new=row["new"],
        data=row["data"] or {},
        by_agent=row["actor_user_id"] is not None and row["actor_contact_id"] is None,
        by_contact=row["actor_contact_id"] is not None,
        at=row["created_at"],
    )


def _apply(rows: list[dict[str, Any]]) -> None:
    events = [_event(r) for r in rows]
    ids = {e.ticket_id for e in events}
    known = {f.ticket_id: _facts_of(f) for f in TicketFacts.objects.filter(ticket_id__in=ids)}
    older = _tickets_needed(events, known)
    touched: dict[int, fold.Facts] = {}
    sums: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    listed: list[Contribution] = []
    retracted: set[int] = set()
    for event in events:
        facts = touched.get(event.ticket_id) or known.get(event.ticket_id)
        opened = event.kind == "created" and facts is None
        if opened:
            facts = fold.facts_opened(event.ticket_id, _with_older(event, older), event.at)
        elif facts is None:
            if event.ticket_id not in older:
                continue  # the ticket is gone (erased); its events went with it
            facts = _facts_from_ticket(older[event.ticket_id], _status_before(events, event))
        assert facts is not None
        outcome = fold.replay(facts, event, opened=opened)
        touched[event.ticket_id] = facts
        if outcome.retract_fcr:
            before = len(listed)
            listed = [
                c for c in listed if not (c.ticket_id == facts.ticket_id and c.metric == "fcr")
            ]
            if len(listed) == before:
                retracted.add(facts.ticket_id)
        for effect in outcome.effects:
            key = (day_of(effect.at), *effect.dims)
            sums[key][effect.metric] += effect.value
            if effect.metric in fold.LISTED and effect.value > 0:
                listed.append(_contribution(facts.ticket_id, effect.metric, key))
    if retracted:
        Contribution.objects.filter(metric="fcr", ticket_id__in=retracted).delete()
    Contribution.objects.bulk_create(listed)
    TicketFacts.objects.filter(ticket_id__in=touched).delete()
    TicketFacts.objects.bulk_create([_row_of(f) for f in touched.values()])
    _add(sums)


def _contribution(ticket_id: int, metric: str, key: tuple[Any, ...]) -> Contribution:
    return Contribution(ticket_id=ticket_id, metric=metric, **dict(zip(KEY, key, strict=True)))


def _tickets_needed(
    events: list[fold.Event], known: dict[int, fold.Facts]
) -> dict[int, dict[str, Any]]:
    """The ticket rows for what the events cannot tell: tickets with no facts and no `created`
    event in view, and `created` events written before they named every dimension."""
    wanted = {
        e.ticket_id
        for e in events
        if e.ticket_id not in known and (e.kind != "created" or "organization" not in e.data)
    }
    if not wanted:
        return {}
    fields = ("id", "created_at", "team_id", "channel", "category_id", "organization_id",
              "priority", "parent_id", "is_open")  # fmt: skip
    return {t["id"]: t for t in Ticket.objects.filter(pk__in=wanted).values(*fields)}


def _with_older(event: fold.Event, older: dict[int, dict[str, Any]]) -> dict[str, Any]:
    data = dict(event.data)
    ticket = older.get(event.ticket_id)
    if "organization" not in data and ticket is not None:
        data["organization"] = ticket["organization_id"]
        data["task"] = ticket["parent_id"] is not None
    return data


def _status_before(events: list[fold.Event], first: fold.Event) -> str | None:
    """The ticket's status before `first`, when one of its events in view changes it."""
    for e in events:
        if e.ticket_id == first.ticket_id and e.id >= first.id and e.kind == "status_changed":
            return str(e.old or "")
    return None


def _facts_from_ticket(t: dict[str, Any], status: str | None) -> fold.Facts:
    """Facts for a ticket whose earlier events were never replayed: as it is now (open or not
    as its first status change in view says it was)."""
    is_open = t["is_open"] if status is None else status in fold.OPEN_STATUSES
    return fold.Facts(
        ticket_id=t["id"],
        created_at=t["created_at"],
        dims=(
            t["team_id"] or 0,
            0,
            t["channel"] or "",
            t["category_id"] or 0,
            t["organization_id"] or 0,
            t["priority"] or 0,
        ),
        task=t["parent_id"] is not None,
        is_open=is_open,
        responded=True,
        solves=0 if is_open else 1,
    )


def _facts_of(row: TicketFacts) -> fold.Facts:
    fcr_dims = tuple(row.fcr_dims) if row.fcr_dims else None
    return fold.Facts(
        ticket_id=row.ticket_id,
        created_at=row.created_at,
        dims=(row.team, row.agent, row.channel, row.category, row.organization, row.level),
        task=row.task,
        is_open=row.is_open,
        merged=row.merged,
        responded=row.responded,
        agent_replies=row.agent_replies,
        solves=row.solves,
        breached=row.breached,
        flagged=row.flagged,
        fcr_at=row.fcr_at,
        fcr_dims=fcr_dims,
    )


def _row_of(f: fold.Facts) -> TicketFacts:
    team, agent, channel, category, organization, level = f.dims
    return TicketFacts(
        ticket_id=f.ticket_id,
        created_at=f.created_at,
        team=team,
        agent=agent,
        channel=channel,
        category=category,
        organization=organization,
        level=level,
        task=f.task,
        is_open=f.is_open,
        merged=f.merged,
        responded=f.responded,
        agent_replies=f.agent_replies,
        solves=f.solves,
        breached=f.breached,
        flagged=f.flagged,
        fcr_at=f.fcr_at,
        fcr_dims=list(f.fcr_dims) if f.fcr_dims else None,
    )


def _add(sums: dict[tuple[Any, ...], dict[str, int]]) -> None:
    """Add each key's counters to its row, and to its rows per single dimension, inserting a
    row the first time (one statement per table, run for every key)."""
    if not sums:
        return
    _upsert(Rollup._meta.db_table, KEY, sums)
    single: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, counts in sums.items():
        day, dims = key[0], key[1:]
        for dim, value in [("all", ""), *zip(fold.DIMENSIONS, dims, strict=True)]:
            row = single[(dim, str(value), day)]
            for metric, n in counts.items():
                row[metric] += n
    _upsert(DimRollup._meta.db_table, DIM_KEY, single)


def _upsert(table: str, keys: tuple[str, ...], sums: dict[tuple[Any, ...], dict[str, int]]) -> None:
    """Add the counters to the rows of `table` keyed by `keys` (an adding upsert)."""
    q = connection.ops.quote_name
    columns = [*keys, *fold.METRICS]
    updates = ", ".join(f"{q(m)} = {q(table)}.{q(m)} + excluded.{q(m)}" for m in fold.METRICS)
    # quoted identifiers of our own; the values are parameters
    sql = (
        f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(q(c) for c in keys)}) DO UPDATE SET {updates}"
    )
    params = [[*key, *(counts.get(m, 0) for m in fold.METRICS)] for key, counts in sums.items()]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def rebuild() -> int:
    """Forget every figure and replay the whole event log (after a definition changed)."""
    with transaction.atomic():
        Cursor.objects.select_for_update().get_or_create(pk=1)
        Rollup.objects.all().delete()
        DimRollup.objects.all().delete()
        Contribution.objects.all().delete()
        TicketFacts.objects.all().delete()
        Cursor.objects.filter(pk=1).update(last_id=0, gaps={})
    return advance()


def tickets_forget(ids: list[int]) -> None:
    """Tickets retention deletes: their rows behind the figures and their facts go, in the
    deleting transaction. The figures already counted stay (counts name no one); a rebuild
    afterwards counts only the events still kept."""
    Contribution.objects.filter(ticket_id__in=ids).delete()
    TicketFacts.objects.filter(ticket_id__in=ids).delete()
