"""The outbox's job: services add items after commit and this delivers them.

The periodic schedules, this job's sweep included, are declared in `caredesk/tasks.py`, the
jobs' composition root that the workers import.
"""

from __future__ import annotations

from typing import Any

from huey import signals
from huey.contrib.djhuey import HUEY, db_task, signal

from caredesk.core import logs
from caredesk.core.outbox import outbox_deliver


@db_task()
def deliver_outbox_task(ids: list[int] | None = None) -> None:
    # returns nothing: a result would be kept in the queue's storage, unread, for every commit
    outbox_deliver(ids=ids)


def wake_outbox(ids: list[int], delay: float) -> None:
    """Deliver these outbox items now (after a commit) or when their retry is due."""
    if delay > 0:
        deliver_outbox_task.schedule(args=(ids,), delay=delay)
    else:
        deliver_outbox_task(ids)


# --- what the metrics report about jobs (caredesk.monitoring) ------------------------------------

FAILURE_KEY = "failed:"


@signal(signals.SIGNAL_EXECUTING)
def _job_started(sig: str, task: Any, *args: Any) -> None:
    logs.job_started(task.name, task.id)


@signal(
    signals.SIGNAL_COMPLETE,
    signals.SIGNAL_ERROR,
    signals.SIGNAL_CANCELED,
    signals.SIGNAL_INTERRUPTED,
    signals.SIGNAL_LOCKED,
    signals.SIGNAL_TIMEOUT,
    signals.SIGNAL_RATE_LIMITED,
)
def _job_ended(sig: str, task: Any, *args: Any) -> None:
    if sig == signals.SIGNAL_ERROR:
        # Counted in the queue's own storage (Redis, or the embedded SQLite file), so every web
        # process reports the same desk-wide count whichever worker the job failed on.
        HUEY.storage.incr(FAILURE_KEY + task.name)
    logs.job_ended()


def jobs_waiting() -> tuple[int, int]:
    """Jobs queued to run now, and jobs scheduled for later."""
    return HUEY.pending_count(), HUEY.scheduled_count()


def job_failures() -> dict[str, int]:
    """Failed job runs since the queue's storage was created, by task name."""
    storage = HUEY.storage
    if hasattr(storage, "conn") and hasattr(storage, "counter_key"):  # Redis: one hash
        raw = storage.conn.hgetall(storage.counter_key)
        counts = {k.decode(): int(v) for k, v in raw.items()}
    elif hasattr(storage, "sql"):  # SQLite: a table of counters
        rows = storage.sql(
            "select key, value from counter where queue = ?", (storage.name,), results=True
        )
        counts = {str(k): int(v) for k, v in rows}
    else:  # in memory (tests run jobs in the process)
        counts = dict(getattr(storage, "_counters", {}))
    return {k[len(FAILURE_KEY) :]: v for k, v in counts.items() if k.startswith(FAILURE_KEY)}
