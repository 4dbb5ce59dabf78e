"""The monitors' jobs: run the due checks (the minute's sweep is declared with every periodic
schedule in `caredesk/tasks.py`), or run named monitors now (from the screens)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from caredesk.incidents.monitors import monitors_run


@db_task()
def monitors_run_task(only: list[int] | None = None) -> int:
    return monitors_run(only=only or ())
