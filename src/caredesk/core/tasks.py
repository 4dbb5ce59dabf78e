"""The task shim: the only place that knows jobs run on Huey.

Services call these functions after commit; periodic schedules are declared here, in one place.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from caredesk.core.outbox import outbox_deliver


@db_task()
def deliver_outbox_task() -> int:
    return outbox_deliver()


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_task() -> int:
    """Catch up on anything a crash or a restart left behind."""
    return outbox_deliver()
