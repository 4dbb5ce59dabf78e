"""The audit hash chain, free of Django: how an entry is hashed and how a chain is checked.

Each entry's hash covers its own content and the previous entry's hash, so changing, deleting,
reordering or inserting an entry breaks the chain at that point. The content is serialised as
canonical JSON (sorted keys, no spaces, UTF-8), so the hash does not depend on the database.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


# Canonical JSON: keys in sorted order, no spaces, UTF-8. The dict is built in sorted order, so
# one reusable encoder (C-accelerated) needs no sorting of its own.
_SORTED_FIELDS = tuple(sorted(HASHED_FIELDS))
_pick = operator.itemgetter(*_SORTED_FIELDS)
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over (only HASHED_FIELDS, in a fixed form)."""
    try:
        values = _pick(content)
    except KeyError:  # a field left out counts as null
        values = tuple(content.get(name) for name in _SORTED_FIELDS)
    return _encode(dict(zip(_SORTED_FIELDS, values, strict=True))).encode()


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
    # "changed", "missing", "out_of_order", "inserted": a break inside the chain;
    # "rewritten", "truncated": the chain disagrees with a signed checkpoint;
    # "bad_signature", "unsigned_anchor": the checkpoints themselves cannot be trusted.
    kind: str
    detail: str


@dataclass(frozen=True)
class Restore:
    """A signed record that the database was restored from a backup whose chain ended at `seq`
    (hash `hash`); the entries after it up to `lost_to`, signed before, were lost with it."""

    seq: int
    hash: str
    lost_to: int
    at: str


@dataclass
class Checkpoints:
    """Signed heads of the chain (seq -> hash) and signed chain starts, read from outside.

    A restore line drops the heads signed before it beyond the restored head (they belong to the
    entries the restore lost) and requires the restored head itself."""

    heads: dict[int, str] = field(default_factory=dict)
    anchors: set[tuple[int, str]] = field(default_factory=set)
    bad_lines: list[int] = field(default_factory=list)
    restores: list[Restore] = field(default_factory=list)

    def restored(self, restore: Restore) -> None:
        self.heads = {seq: digest for seq, digest in self.heads.items() if seq <= restore.seq}
        if restore.seq > 0:
            self.heads[restore.seq] = restore.hash
        self.restores.append(restore)


@dataclass(frozen=True)
class Outcome:
    checked: int
    last_seq: int
    last_hash: str
    problem: Problem | None
    checkpoints: int = 0
    restores: tuple[Restore, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def _break(row: Mapping[str, Any], seq: int, expected_seq: int, prev: str) -> Problem | None:
    """What is wrong with `row` where entry `expected_seq` following hash `prev` should be."""
    if seq > expected_seq:
        return Problem(expected_seq, "missing", f"entry {expected_seq} is missing")
    if seq < expected_seq:
        return Problem(seq, "out_of_order", f"entry {seq} appears after {expected_seq - 1}")
    if row["prev_hash"] != prev:
        kind = "inserted" if entry_hash(row["prev_hash"], row) == row["hash"] else "changed"
        return Problem(seq, kind, f"entry {seq} does not follow entry {seq - 1}")
    if entry_hash(prev, row) != row["hash"]:
        return Problem(seq, "changed", f"entry {seq} was changed after it was written")
    return None


def _checkpoint_problem(
    checkpoints: Checkpoints, start_seq: int, start_hash: str
) -> Problem | None:
    if checkpoints.bad_lines:
        line = checkpoints.bad_lines[0]
        return Problem(0, "bad_signature", f"checkpoint line {line} has a bad signature")
    if start_seq > 1 and (start_seq, start_hash) not in checkpoints.anchors:
        return Problem(
            start_seq,
            "unsigned_anchor",
            f"the chain starts at entry {start_seq} without a signed anchor",
        )
    return None


def verify(
    rows: Iterable[Mapping[str, Any]],
    *,
    start_seq: int = 1,
    start_hash: str = GENESIS,
    checkpoints: Checkpoints | None = None,
) -> Outcome:
    """Walk rows in chain order and report the first break.

    Each row carries the HASHED_FIELDS plus `prev_hash` and `hash`. `start_seq`/`start_hash`
    anchor a chain whose older entries were purged by retention. With `checkpoints`, the chain
    must also hold every signed (seq, hash) from the anchor on, up to the newest.
    """
    heads: dict[int, str] = {}
    restores = tuple(checkpoints.restores) if checkpoints is not None else ()
    if checkpoints is not None:
        problem = _checkpoint_problem(checkpoints, start_seq, start_hash)
        if problem is not None:
            return Outcome(0, start_seq - 1, start_hash, problem)
        heads = {s: h for s, h in checkpoints.heads.items() if s >= start_seq}
    expected_seq = start_seq
    prev = start_hash
    checked = 0
    for row in rows:
        seq = int(row["seq"])
        problem = _break(row, seq, expected_seq, prev)
        if problem is None and heads and seq in heads and heads[seq] != row["hash"]:
            problem = Problem(seq, "rewritten", f"entry {seq} differs from its signed checkpoint")
        if problem is not None:
            return Outcome(checked, expected_seq - 1, prev, problem, len(heads), restores)
        prev = row["hash"]
        expected_seq = seq + 1
        checked += 1
    last = expected_seq - 1
    beyond = [s for s in heads if s > last]
    if beyond:
        problem = Problem(
            last + 1,
            "truncated",
            f"entries {last + 1} to {max(beyond)} are missing (signed checkpoint {max(beyond)})",
        )
        return Outcome(checked, last, prev, problem, len(heads), restores)
    return Outcome(checked, last, prev, None, len(heads), restores)
