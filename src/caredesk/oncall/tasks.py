"""The on-call job the services book: move a page on when its step's wait is over.

The minute's sweep (`pages_escalate_task`) is declared with every periodic schedule in
`caredesk/tasks.py`.
"""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from caredesk.oncall.services import page_escalate


@db_task()
def page_escalate_task(page_id: int) -> None:
    page_escalate(page_id=page_id)
