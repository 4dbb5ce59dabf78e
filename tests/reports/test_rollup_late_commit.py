"""A transaction that commits after a later one: its events have lower ids than events the
rollups have already read. Two real transactions on PostgreSQL, each on its own connection:
the SLA sweep's (its breaches take no lock a reply waits for) and an agent's reply."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from caredesk.reports import rollup
from caredesk.reports.models import Cursor, DimRollup
from caredesk.sla.defaults import install_defaults
from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
from caredesk.sla.services import sla_tick
from caredesk.tickets.models import EventKind, TicketEvent
from caredesk.tickets.services import Body, message_add
from tests.factories import AgentFactory, make_ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time: no transaction commits while another is open",
    ),
]


def _counted(metric: str) -> int:
    return DimRollup.objects.filter(dim="all").aggregate(n=Sum(metric, default=0))["n"]


def test_events_committed_late_below_the_cursor_are_counted_once(clock: Any) -> None:
    install_defaults(Calendar, SlaPolicy, SlaTarget)  # no-op unless an earlier test flushed them
    agent = AgentFactory()
    late_ticket = make_ticket(assignee=agent)
    clock.advance(days=3)  # its first response is long overdue
    replied = make_ticket(assignee=agent)
    rollup.advance()
    started, release = threading.Event(), threading.Event()
    sweep: dict[str, Any] = {}

    def slow_sweep() -> None:  # the worker's SLA sweep, its transaction kept open
        try:
            with transaction.atomic():
                sweep["written"] = sla_tick()
                started.set()
                assert release.wait(timeout=60)
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            sweep["error"] = exc
            started.set()
        finally:
            connection.close()

    worker = threading.Thread(target=slow_sweep)
    worker.start()
    try:
        assert started.wait(timeout=60) and "error" not in sweep, sweep.get("error")
        assert sweep["written"] >= 1
        message_add(ticket=replied, kind="public", body=Body(text="Try this."), actor=agent)
        rollup.advance()
        assert _counted("first_responses") == 1
        assert _counted("breaches") == 0  # the sweep's events are not visible yet
        waited = set(Cursor.objects.get().gaps)  # ids below the newest read, not there yet
    finally:
        release.set()
        worker.join(timeout=60)
    assert "error" not in sweep, sweep.get("error")
    breached = TicketEvent.objects.filter(ticket=late_ticket, kind=EventKind.SLA_BREACHED)
    assert breached.count() >= 1
    late_ids = {str(pk) for pk in breached.values_list("pk", flat=True)}
    assert late_ids <= waited  # below the cursor, and waited for
    rollup.advance()
    assert _counted("breaches") == breached.count()
    assert not late_ids & set(Cursor.objects.get().gaps)  # found: no longer waited for
    rollup.advance()
    assert _counted("breaches") == breached.count()  # and never counted twice
    assert _counted("first_responses") == 1
