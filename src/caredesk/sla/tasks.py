"""The SLA jobs that services and the periodic sweep enqueue (schedules: `caredesk/tasks.py`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def sla_tick_task() -> int:
    from caredesk.sla.services import sla_tick

    return sla_tick()


@db_task()
def sla_recompute_task() -> int:
    """Re-apply the policies to every open ticket (after a policy or calendar change)."""
    from caredesk.sla.services import sla_recompute_open

    return sla_recompute_open()
