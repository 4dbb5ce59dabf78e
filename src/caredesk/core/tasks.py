"""The outbox's job: services add items after commit and this delivers them.

The periodic schedules, this job's sweep included, are declared in `caredesk/tasks.py`, the
jobs' composition root that the workers import.
"""

from __future__ import annotations

from huey.contrib.djhuey import db_task

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
