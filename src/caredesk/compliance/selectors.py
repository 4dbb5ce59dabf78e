"""Reads of the access audit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from caredesk.compliance.audit import iso
from caredesk.compliance.chain import GENESIS, Checkpoints, Outcome, verify
from caredesk.compliance.models import AuditEntry, ChainAnchor

_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "ticket_id",
    "organization_id",
    "fields",
    "reason",
    "ip",
    "user_agent",
    "request_id",
    "prev_hash",
    "hash",
)


def _at(value: datetime | str) -> str:
    """An instant as the chain hashes it, from whatever the database driver returned."""
    if isinstance(value, str):  # SQLite without type detection: "2026-11-02 14:00:00[.ffffff]"
        text = value.replace(" ", "T", 1)
        return text + ("" if "." in text else ".000000") + "+00:00"
    if value.tzinfo is None:  # SQLite keeps UTC instants without an offset
        value = value.replace(tzinfo=UTC)
    return iso(value)


def _rows(batch: int) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, read by keyset pages of `batch` rows through a raw cursor."""
    sql = (
        f"SELECT {', '.join(_COLUMNS)} FROM {AuditEntry._meta.db_table}"  # noqa: S608
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
