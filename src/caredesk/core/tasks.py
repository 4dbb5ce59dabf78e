"""The task shim: the only place that knows jobs run on Huey.

Services call these functions after commit; periodic schedules are declared here, in one place.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.core.outbox import outbox_deliver

SLA_SUBTICKS = (20, 40)  # seconds after each minute's tick: warnings fire within 20 s


@db_task()
def deliver_outbox_task() -> int:
    return outbox_deliver()


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> int:
    """Catch up on anything a crash or a restart left behind."""
    return outbox_deliver()


@db_task()
def sla_tick_task() -> int:
    from caredesk.sla.services import sla_tick

    return sla_tick()


@db_periodic_task(crontab(minute="*"))
def sla_tick_periodic_task() -> int:
    """The SLA sweep: every minute, plus two follow-ups inside the minute."""
    from caredesk.sla.services import sla_tick

    for delay in SLA_SUBTICKS:
        sla_tick_task.schedule(delay=delay)
    return sla_tick()


@db_task()
def sla_recompute_task() -> int:
    from caredesk.sla.services import sla_recompute_open

    return sla_recompute_open()
