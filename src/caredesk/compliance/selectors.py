"""Reads of the access audit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from caredesk.compliance.audit import iso
from caredesk.compliance.chain import GENESIS, Outcome, verify
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


def _rows(batch: int) -> Iterator[dict[str, Any]]:
    """Every entry in chain order, read by keyset pages of `batch` rows."""
    after = None
    while True:
        page = AuditEntry.objects.order_by("seq")
        if after is not None:
            page = page.filter(seq__gt=after)
        rows = list(page.values_list(*_COLUMNS)[:batch])
        for values in rows:
            row = dict(zip(_COLUMNS, values, strict=True))
            row["at"] = iso(row["at"])
            row["fields"] = list(row["fields"] or [])
            yield row
        if len(rows) < batch:
            return
        after = rows[-1][0]


def chain_verify(*, batch: int = 20_000) -> Outcome:
    """Check the whole chain from its anchor (or the beginning) to its newest entry."""
    anchor = ChainAnchor.objects.values_list("seq", "prev_hash").first()
    start_seq, start_hash = (int(anchor[0]), str(anchor[1])) if anchor else (1, GENESIS)
    return verify(_rows(batch), start_seq=start_seq, start_hash=start_hash)
