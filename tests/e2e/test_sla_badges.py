"""SLA badges in the browser: time left on the queue, late tickets in Breaching soon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from caredesk.core import clock
from caredesk.sla.defaults import install_defaults
from caredesk.sla.models import Calendar, SlaPolicy, SlaTarget
from caredesk.sla.services import sla_tick
from tests.factories import PASSWORD, ContactFactory, OrganizationFactory, make_ticket, supervisor

pytestmark = pytest.mark.e2e
START = datetime(2026, 11, 2, 14, tzinfo=UTC)  # Monday 09:00 New York


@pytest.fixture
def moved_clock():
    now = {"value": START}
    previous = clock.set_source(lambda: now["value"])
    yield now
    clock.set_source(previous)


@pytest.fixture(autouse=True)
def _sla_defaults():
    # Browser tests run on a flushed database: put back what the data migration installed.
    install_defaults(Calendar, SlaPolicy, SlaTarget)


def test_agent_sees_time_left_then_a_late_ticket_first_in_breaching_soon(screen, moved_clock):
    boss = supervisor(name="Halvard Pruett")
    premium = OrganizationFactory(name="Quillon Heart Center", plan="premium")
    urgent = make_ticket(
        ContactFactory(organization=premium), priority=1, subject="Telemetry feed down"
    )
    make_ticket(priority=4, subject="Update billing address")

    moved_clock["value"] = START + timedelta(minutes=20)
    screen.login(boss.email, PASSWORD)
    screen.goto("/agent/?queue=open")
    row = screen.page.locator("tr", has_text="Telemetry feed down")
    expect(row.locator(".sla")).to_contain_text("40 m left")
    expect(row.locator(".sla.sla-ok")).to_be_visible()
    screen.check("queue with SLA badges")

    moved_clock["value"] = START + timedelta(hours=1, minutes=10)
    sla_tick()
    screen.goto("/agent/?queue=breaching")
    expect(screen.page.get_by_role("heading", level=1)).to_have_text("Breaching soon")
    first = screen.page.locator("table.tickets tbody tr").first
    expect(first).to_contain_text("Telemetry feed down")
    expect(first.locator(".sla.sla-breached")).to_contain_text("+10 m late")
    screen.shoot("agent-breaching")

    screen.goto(f"/agent/tickets/{urgent.pk}/")
    panel = screen.page.get_by_role("region", name="Service level")
    expect(panel).to_contain_text("First response")
    expect(panel).to_contain_text("+10 m late")
    expect(panel).to_contain_text("Resolution")
    screen.check("ticket SLA panel")
