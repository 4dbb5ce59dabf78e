"""The job worker running as `caredesk serve` runs it: Huey's consumer in this process, on the
real queue (the SQLite file in the data folder), instead of the tests' immediate mode."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from huey.consumer import Consumer
from huey.contrib.djhuey import HUEY


class _Embedded(Consumer):  # type: ignore[misc]
    def _set_signal_handlers(self) -> None:
        pass  # the test process keeps its signals


@contextmanager
def worker_running() -> Iterator[Consumer]:
    """Two worker threads and the scheduler, polling the queue every 50 ms at most."""
    import caredesk.tasks  # noqa: F401 - every job and periodic schedule, as the worker has

    # each job closes its thread's connection when it ends (Huey's db_task does so for
    # connections past their age), so no worker connection outlives the test database
    database = connections.settings[DEFAULT_DB_ALIAS]
    max_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    HUEY.immediate = False
    HUEY.flush()
    consumer = _Embedded(
        HUEY, workers=2, worker_type="thread", periodic=True, initial_delay=0.02,
        backoff=1.0, max_delay=0.05, check_worker_health=False,
    )  # fmt: skip
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        HUEY.flush()
        HUEY.immediate = True
        database["CONN_MAX_AGE"] = max_age
