"""Signed checkpoints of the audit chain, kept in a file outside the database.

Each line is `{"seq":…,"hash":…,"at":…,"sig":…}`: the chain's head at that moment, signed with
HMAC-SHA256 under CAREDESK_AUDIT_KEY. Someone who can write to the database but not to the
checkpoint folder (or does not know the key) cannot truncate the chain's tail or rewrite it
from scratch unnoticed: the chain must still hold every checkpointed (seq, hash). When retention
moves the chain's start, an `"anchor"` line signs the new start the same way. When the database
is restored from a backup, a `"restored"` line (written by `caredesk audit restored`) signs the
restored head: checkpoints signed before it beyond that head name entries the restore lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from caredesk.compliance.chain import Checkpoints, Restore
from caredesk.core import clock

FILE_NAME = "checkpoints.jsonl"
_TAIL_BYTES = 4096


@dataclass(frozen=True)
class Written:
    seq: int
    hash: str
    path: Path


def _path() -> Path:
    return Path(settings.CAREDESK_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _iso(at: datetime) -> str:
    from caredesk.compliance.audit import iso

    return iso(at)


def _signed_part(line: dict[str, object]) -> bytes:
    unsigned = {k: v for k, v in line.items() if k != "sig"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode()


def signature(line: dict[str, object], key: str | None = None) -> str:
    """The HMAC-SHA256 (hex) of a checkpoint line's other fields."""
    secret = (settings.CAREDESK_AUDIT_KEY if key is None else key).encode()
    return hmac.new(secret, _signed_part(line), hashlib.sha256).hexdigest()


def _append(line: dict[str, object]) -> Path:
    """Append one signed line; O_APPEND keeps lines from several processes whole."""
    line = {**line, "sig": signature(line)}
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def checkpoint_write(*, seq: int, hash: str, at: datetime | None = None) -> Written:  # noqa: A002
    """Sign the chain's head (seq, hash) into the checkpoint file."""
    path = _append({"seq": seq, "hash": hash, "at": _iso(at or clock.now())})
    return Written(seq, hash, path)


def anchor_write(*, seq: int, prev_hash: str) -> None:
    """Sign a new start of the chain (retention purged the entries before `seq`)."""
    _append({"anchor": seq, "hash": prev_hash, "at": _iso(clock.now())})


def restore_write(*, seq: int, hash: str, lost_to: int) -> Path:  # noqa: A002
    """Sign the head of a chain restored from a backup (entries after it up to `lost_to` lost)."""
    return _append({"restored": seq, "hash": hash, "lost_to": lost_to, "at": _iso(clock.now())})


def _last_seq() -> int:
    """The newest checkpointed (or restored) seq in the file (0 if none), read from its tail."""
    path = _path()
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        lines = fh.read().splitlines()
    for raw in reversed(lines):
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            for key in ("seq", "restored"):
                if isinstance(line.get(key), int):
                    return int(line[key])
    return 0


def checkpoint_now() -> Written | None:
    """Sign the current head unless it is already the newest checkpoint (periodic task, CLI)."""
    from caredesk.compliance.models import AuditEntry

    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is None or head[0] <= _last_seq():
        return None
    return checkpoint_write(seq=int(head[0]), hash=str(head[1]))


def checkpoints_read() -> Checkpoints:
    """Every checkpoint and signed anchor in the file; lines that fail their signature are named."""
    found = Checkpoints()
    path = _path()
    if not path.exists():
        return found
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                sig = str(line["sig"])
                digest = str(line["hash"])
                if not hmac.compare_digest(sig, signature(line)):
                    raise ValueError("signature")
                if "anchor" in line:
                    found.anchors.add((int(line["anchor"]), digest))
                elif "restored" in line:
                    at, lost_to = str(line["at"]), int(line["lost_to"])
                    found.restored(Restore(int(line["restored"]), digest, lost_to, at))
                else:
                    found.heads[int(line["seq"])] = digest
            except (ValueError, KeyError, TypeError):
                found.bad_lines.append(number)
    return found
