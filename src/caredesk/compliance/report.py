"""`caredesk audit verify` and `caredesk audit checkpoint`: the words and exit codes."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from caredesk.compliance.chain import Outcome
from caredesk.compliance.checkpoints import checkpoint_now, checkpoints_read
from caredesk.compliance.selectors import chain_verify

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
    }


def outcome_line(outcome: Outcome) -> str:
    problem = outcome.problem
    if problem is None:
        return (
            f"audit sound: {outcome.checked:,} entries up to #{outcome.last_seq}, "
            f"{outcome.checkpoints:,} signed checkpoints agree"
        )
    return f"audit BROKEN at entry #{problem.seq} ({problem.kind}): {problem.detail}"


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
