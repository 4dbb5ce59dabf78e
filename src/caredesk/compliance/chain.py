"""The audit hash chain, free of Django: how an entry is hashed and how a chain is checked.

Each entry's hash covers its own content and the previous entry's hash, so changing, deleting,
reordering or inserting an entry breaks the chain at that point. The content is serialised as
canonical JSON (sorted keys, no spaces, UTF-8), so the hash does not depend on the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The columns an entry's hash covers, in the order they are documented.
HASHED_FIELDS = (
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
)


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over (only HASHED_FIELDS, in a fixed form)."""
    picked = {name: content.get(name) for name in HASHED_FIELDS}
    return json.dumps(picked, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and this entry's canonical content, hex."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(content))
    return digest.hexdigest()


@dataclass(frozen=True)
class Problem:
    """The first place the chain does not hold."""

    seq: int
    kind: str  # "changed", "missing", "out_of_order", "inserted", "broken_link"
    detail: str


@dataclass(frozen=True)
class Outcome:
    checked: int
    last_seq: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(
    rows: Iterable[Mapping[str, Any]], *, start_seq: int = 1, start_hash: str = GENESIS
) -> Outcome:
    """Walk rows in storage order (by primary key) and report the first break.

    Each row carries the HASHED_FIELDS plus `prev_hash` and `hash`. `start_seq`/`start_hash`
    anchor a chain whose older entries were purged by retention.
    """
    expected_seq = start_seq
    prev = start_hash
    checked = 0
    for row in rows:
        seq = int(row["seq"])
        if seq != expected_seq:
            if seq > expected_seq:
                return Outcome(
                    checked,
                    expected_seq - 1,
                    prev,
                    Problem(expected_seq, "missing", f"entry {expected_seq} is missing"),
                )
            return Outcome(
                checked,
                expected_seq - 1,
                prev,
                Problem(seq, "out_of_order", f"entry {seq} appears after {expected_seq - 1}"),
            )
        if row["prev_hash"] != prev:
            kind = "inserted" if entry_hash(row["prev_hash"], row) == row["hash"] else "changed"
            return Outcome(
                checked,
                seq - 1,
                prev,
                Problem(seq, kind, f"entry {seq} does not follow entry {seq - 1}"),
            )
        if entry_hash(prev, row) != row["hash"]:
            return Outcome(
                checked,
                seq - 1,
                prev,
                Problem(seq, "changed", f"entry {seq} was changed after it was written"),
            )
        prev = row["hash"]
        expected_seq = seq + 1
        checked += 1
    return Outcome(checked, expected_seq - 1, prev, None)
