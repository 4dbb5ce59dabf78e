"""Reads of the access audit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

from caredesk.compliance.audit import iso
from caredesk.compliance.chain import GENESIS, HASHED_FIELDS, Checkpoints, Outcome, verify
from caredesk.compliance.models import AuditEntry, ChainAnchor
from caredesk.core.errors import ValidationFailed
from caredesk.core.pagination import BadCursor, decode_cursor, encode_cursor

_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")


def _at(value: datetime | str) -> str:
    """An instant as the chain hashes it, from whatever the database driver returned."""
    if isinstance(value, str):  # SQLite's text: "2026-11-02 14:00:00[.ffffff]", in UTC
        text = value.replace(" ", "T", 1)
        if len(text) > 19 and text[-6] in "+-":  # written with an offset by another client
            return iso(datetime.fromisoformat(text))
        return text + ("" if "." in text else ".000000") + "+00:00"
    if value.tzinfo is None:  # SQLite keeps UTC instants without an offset
        value = value.replace(tzinfo=UTC)
    return iso(value)


def _rows(batch: int) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, read by keyset pages of `batch` rows through a raw cursor."""
    columns = list(_COLUMNS)
    if connection.vendor == "sqlite":
        # read the stored text as it is: parsing a datetime per row halves the rate
        columns[columns.index("at")] = "(at || '') AS at"
    sql = (
        f"SELECT {', '.join(columns)} FROM {AuditEntry._meta.db_table}"  # noqa: S608
        " WHERE seq > %s ORDER BY seq LIMIT %s"
    )
    after = -(2**62)
    loads = json.loads
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [after, batch])
            page = cursor.fetchall()
        for values in page:
            row = dict(zip(_COLUMNS, values, strict=True))
            row["at"] = _at(row["at"])
            fields = row["fields"]
            row["fields"] = loads(fields) if isinstance(fields, str) else list(fields or [])
            yield row
        if len(page) < batch:
            return
        after = page[-1][0]


def chain_anchor() -> tuple[int, str]:
    """Where the chain starts: (first seq kept, hash before it)."""
    anchor = ChainAnchor.objects.values_list("seq", "prev_hash").first()
    return (int(anchor[0]), str(anchor[1])) if anchor else (1, GENESIS)


def chain_verify(
    *,
    batch: int = 20_000,
    checkpoints: Checkpoints | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check the whole chain from its anchor (or the beginning) to its newest entry.

    With `checkpoints` (from `checkpoints_read()`), the chain must also agree with each signed
    checkpoint. `progress` is called with the number of entries read after every batch.
    """
    start_seq, start_hash = chain_anchor()
    rows: Iterable[dict[str, Any]] = _rows(batch)
    if progress is not None:
        rows = _counting(rows, batch, progress)
    return verify(rows, start_seq=start_seq, start_hash=start_hash, checkpoints=checkpoints)


def _counting(
    rows: Iterable[dict[str, Any]], every: int, progress: Callable[[int], None]
) -> Iterator[dict[str, Any]]:
    for n, row in enumerate(rows, start=1):
        if n % every == 0:
            progress(n)
        yield row


@dataclass(frozen=True)
class AuditFilters:
    """What the compliance officer asks for; empty values do not filter."""

    actor_id: int | None = None
    ticket_ids: tuple[int, ...] | None = None  # from a patient or a ticket reference
    action: str = ""
    organization_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    actor_names: dict[int, str]
    next_cursor: str | None


def _filtered(filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if filters.actor_id is not None:
        qs = qs.filter(actor_id=filters.actor_id)
    if filters.ticket_ids is not None:
        qs = qs.filter(ticket_id__in=filters.ticket_ids)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.since is not None:
        qs = qs.filter(at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(at__lt=filters.until)
    return qs


def actor_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Account names for entry actors, in one query (names are not copied into the chain)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(get_user_model().objects.filter(pk__in=wanted).values_list("pk", "name"))


def audit_page(*, filters: AuditFilters, cursor: str | None = None, limit: int = 50) -> AuditPage:
    """Newest entries first, by keyset on seq; the same queries at any depth or size."""
    qs = _filtered(filters).order_by("-seq")
    if cursor:
        try:
            _value, after = decode_cursor(cursor)
        except BadCursor:
            raise ValidationFailed(
                "The page link is not valid.", errors={"cursor": ["Start from the first page."]}
            ) from None
        qs = qs.filter(seq__lt=after)
    items = list(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(None, items[-1].seq) if more else None
    return AuditPage(items, actor_names(e.actor_id for e in items), next_cursor)


def audit_export_rows(
    *, filters: AuditFilters, ticket_ref: Callable[[int], str], batch: int = 2000
) -> Iterator[list[object]]:
    """Every matching entry, oldest first, as CSV cells; read in keyset batches. `ticket_ref`
    names a ticket by its id (the ticket app's reference, which the audit does not know)."""
    after = 0
    qs = _filtered(filters).order_by("seq")
    while True:
        page = list(qs.filter(seq__gt=after)[:batch])
        names = actor_names(e.actor_id for e in page)
        for e in page:
            yield [
                e.seq,
                iso(e.at),
                e.actor_id or "",
                names.get(e.actor_id, "") if e.actor_id else "",
                e.actor_role,
                e.action,
                e.object_type,
                e.object_id,
                ticket_ref(e.ticket_id) if e.ticket_id else "",
                e.organization_id or "",
                ";".join(e.fields),
                e.reason,
                e.ip,
                e.user_agent,
                e.request_id,
                e.hash,
            ]
        if len(page) < batch:
            return
        after = page[-1].seq


# The CSV export's columns: the entry with its actor's name and ticket reference beside the ids.
EXPORT_HEADER = (
    "seq",
    "at_utc",
    "actor_id",
    "actor_name",
    *HASHED_FIELDS[3:7],  # actor_role, action, object_type, object_id
    "ticket",
    *HASHED_FIELDS[8:],  # organization_id to request_id
    "hash",
)
