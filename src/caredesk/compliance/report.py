"""`caredesk audit verify`, `checkpoint` and `restored`: the words and exit codes."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from caredesk.compliance.chain import Checkpoints, Outcome, Restore
from caredesk.compliance.checkpoints import checkpoint_now, checkpoints_read, restore_write
from caredesk.compliance.selectors import chain_anchor, chain_verify

PROGRESS_EVERY = 200_000


def outcome_dict(outcome: Outcome, seconds: float) -> dict[str, Any]:
    problem = outcome.problem
    return {
        "ok": outcome.ok,
        "checked": outcome.checked,
        "last_seq": outcome.last_seq,
        "checkpoints": outcome.checkpoints,
        "seconds": round(seconds, 3),
        "entries_per_minute": int(outcome.checked * 60 / seconds) if seconds > 0 else None,
        "problem": None
        if problem is None
        else {"seq": problem.seq, "kind": problem.kind, "detail": problem.detail},
        "restores": [{"seq": r.seq, "lost_to": r.lost_to, "at": r.at} for r in outcome.restores],
    }


def _restore_words(restore: Restore) -> str:
    lost = (
        f"entries #{restore.seq + 1} to #{restore.lost_to}, signed before, were lost"
        if restore.lost_to > restore.seq
        else "nothing signed was lost"
    )
    return f"restored from a backup at #{restore.seq} on {restore.at[:10]} ({lost})"


def outcome_line(outcome: Outcome) -> str:
    problem = outcome.problem
    restores = "".join(f"; {_restore_words(r)}" for r in outcome.restores)
    if problem is None:
        return (
            f"audit sound: {outcome.checked:,} entries up to #{outcome.last_seq}, "
            f"{outcome.checkpoints:,} signed checkpoints agree{restores}"
        )
    line = f"audit BROKEN at entry #{problem.seq} ({problem.kind}): {problem.detail}{restores}"
    if problem.kind == "truncated":
        line += (
            "\nIf this database was restored from a backup, record that once with"
            " `caredesk audit restored --reason ...` (see the operator guide)."
        )
    return line


def verify_command(*, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Walk the chain and the checkpoints; 0 when sound, 1 naming the first problem."""

    def progress(checked: int) -> None:
        if not as_json:
            print(f"  {checked:,} entries checked…", file=err, flush=True)

    started = time.perf_counter()
    outcome = chain_verify(checkpoints=checkpoints_read(), progress=progress)
    seconds = time.perf_counter() - started
    if as_json:
        print(json.dumps(outcome_dict(outcome, seconds)), file=out)
    else:
        print(outcome_line(outcome), file=out)
    return 0 if outcome.ok else 1


def checkpoint_command(*, out: TextIO) -> int:
    """Sign the chain's head now (nothing to do when it is already signed)."""
    written = checkpoint_now()
    if written is None:
        print("nothing new to sign: the newest entry already has a checkpoint", file=out)
    else:
        print(f"signed checkpoint at entry #{written.seq} in {written.path}", file=out)
    return 0


def _head() -> tuple[int, str]:
    """The chain's newest (seq, hash); just before its start when it holds no entry."""
    from caredesk.compliance.models import AuditEntry

    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None:
        return int(head[0]), str(head[1])
    start_seq, start_hash = chain_anchor()
    return start_seq - 1, start_hash


def restored_command(*, reason: str, out: TextIO, err: TextIO) -> int:
    """After a restore: check the restored chain against what was signed up to its head, then
    sign its head as a restore point and record who did it, so verify holds the chain to the
    checkpoints that follow instead of reporting the lost tail every day."""
    from caredesk.compliance.audit import Access, record_many
    from caredesk.compliance.models import AuditAction

    seq, digest = _head()
    signed = checkpoints_read()
    before = Checkpoints(
        heads={s: h for s, h in signed.heads.items() if s <= seq},
        anchors=signed.anchors,
        bad_lines=signed.bad_lines,
        restores=signed.restores,
    )
    outcome = chain_verify(checkpoints=before)
    if not outcome.ok:
        print(outcome_line(outcome), file=out)
        print("not recorded: the restored chain must agree with what was signed", file=err)
        return 1
    lost_to = max([s for s in signed.heads if s > seq], default=seq)
    restore_write(seq=seq, hash=digest, lost_to=lost_to)
    what = f"entries #{seq + 1} to #{lost_to} lost" if lost_to > seq else "no signed entry lost"
    note = f"{reason} ({what})" if reason else what
    access = Access(AuditAction.AUDIT_RESTORED, "audit chain", seq, reason=note[:500])
    record_many(accesses=[access], role="command line")
    print(f"restore recorded at entry #{seq} ({what}); the chain continues from here", file=out)
    return 0
