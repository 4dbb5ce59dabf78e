"""A job that fails, for the tests of what failures leave in the logs and the metrics."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def failing_job(detail: str) -> None:
    # the message quotes a stored value, as a database error quoting its row does
    raise ValueError(f"could not store {detail}")
