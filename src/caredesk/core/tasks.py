"""The outbox's job: services add items after commit and this delivers them.

The periodic schedules, this job's sweep included, are declared in `caredesk/tasks.py`, the
jobs' composition root that the workers import.
"""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from caredesk.core.outbox import outbox_deliver


@db_task()
def deliver_outbox_task() -> int:
    return outbox_deliver()
