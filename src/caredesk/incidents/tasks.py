"""The incidents' jobs: the requesters' fan-out of an update (queued by a timeline listener) and
the symptom rule's sweep (its minute's schedule is in `caredesk/tasks.py`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=30)
def incident_fanout_task(update_id: int) -> int:
    """Reply on every linked ticket not yet told (idempotent: a retry skips those told)."""
    from caredesk.incidents.fanout import update_fanout

    return update_fanout(update_id=update_id)


@db_task()
def symptom_sweep_task() -> int:
    from caredesk.incidents.symptoms import symptom_sweep

    return len(symptom_sweep())
