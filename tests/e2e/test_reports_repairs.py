"""The Repairs report in a real browser. Six RMAs are worked through the devices services over
November with the clock moved (received, diagnosed with a failure mode, repaired with parts and
labour, validated, shipped back or cancelled); on 30 November a support lead opens Reports, then
Repairs, and reads the month's volume, warranty against paid, diagnosis and repair times against
their targets with their band words, units returned to service, the cost per unit and the Pareto
of failure modes; the last seven days' figures are different. An agent is refused the page.
Screenshots at 1440 and 390 of the month's figures and the week's."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_TECHNICIAN
from caredesk.devices.models import Part, ProductClass, ProductModel, Rma
from caredesk.devices.rma import rma_open, rma_part_add, rma_transition, rma_update
from tests.devices.conftest import make_asset
from tests.devices.rma_helpers import stocked
from tests.e2e import conftest as e2e
from tests.e2e.reports_steps import SHOTS, choose_and_show, open_reports
from tests.factories import (
    PASSWORD,
    AgentFactory,
    OrganizationFactory,
    make_ticket,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.e2e


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def _bench_month(clock: Any) -> dict[str, Any]:
    """November's returns of Saltmarsh Renal Unit's dialysis monitors (bought in March, so in
    warranty unless said otherwise), worked in time order:

    A warranty: received 3rd, diagnosed 4th (24 h, battery), repaired 8th (5 days; two packs at
      42.50 and 60 minutes at 90.00), shipped 9th.
    B warranty: received 3rd, diagnosed 6th (72 h, battery), repaired 13th (10 days; one pack and
      30 minutes), shipped 25th.
    C paid (dropped): received 6th, diagnosed 8th (48 h, display), cancelled 10th.
    F warranty: received 17th, diagnosed 19th at 21:00 (60 h, connector), still on the bench.
    D warranty: opened 20th, received 24th, diagnosed 25th (24 h, battery).
    E paid (out of warranty by choice): opened 26th, not yet received.
    """
    clock.set(_at(2, 8))
    monitors = ProductClass.objects.create(name="Dialysis monitors", warranty_months=24)
    model = ProductModel.objects.create(
        name="Veridan Flow Monitor", sku="VF-300", product_class=monitors
    )
    pack = stocked(Part.objects.create(number="VF-BAT-1", name="Battery pack", unit_cost="42.50"))
    clinic = OrganizationFactory(name="Saltmarsh Renal Unit")
    office = requester_with_login(
        organization=clinic, name="Wendeline Praxmarer", email="office@saltmarsh.example"
    )
    agent = AgentFactory(name="Corentin Ashdown", email="corentin.ashdown@caredesk.example")
    tech = AgentFactory(
        role=ROLE_TECHNICIAN, name="Ysolde Farrant", email="ysolde.farrant@caredesk.example"
    )
    lead = supervisor(name="Marisol Quenby", email="marisol.quenby@caredesk.example")

    def opened(serial: str, *, paid: bool = False) -> Rma:
        make_asset(model, serial, organization=clinic, purchased_on=date(2026, 3, 1))
        ticket = make_ticket(
            office, subject=f"Monitor {serial} fails its self test", assignee=agent,
            structured={"device_serial": serial},
        )  # fmt: skip
        if paid:
            return rma_open(
                ticket=ticket, actor=agent, warranty=False, reason="Dropped on the ward floor"
            )
        return rma_open(ticket=ticket, actor=agent)

    def move(rma: Rma, *steps: str) -> Rma:
        for to in steps:
            rma = rma_transition(
                rma=rma,
                to=to,
                actor=tech,
                reason="The clinic declined the quote" if to == "cancelled" else "",
            )
        return rma

    def diagnose(rma: Rma, mode: str) -> Rma:
        rma = move(rma, "diagnosed")
        return rma_update(rma=rma, changes={"failure_mode": mode}, actor=tech)

    def repair(rma: Rma, packs: int, minutes: int) -> Rma:
        rma_part_add(rma=rma, part=pack, quantity=packs, actor=tech)
        rma = rma_update(
            rma=rma, changes={"labour_minutes": minutes, "labour_rate": "90.00"}, actor=tech
        )
        return move(rma, "repaired")

    clock.set(_at(2))
    a, b = opened("VF-3001"), opened("VF-3002")
    clock.set(_at(3))
    a, b = move(a, "received"), move(b, "received")
    clock.set(_at(4))
    a = diagnose(a, "battery")
    clock.set(_at(5))
    c = opened("VF-3003", paid=True)
    clock.set(_at(6))
    b = diagnose(b, "battery")
    c = move(c, "received")
    clock.set(_at(8))
    a = repair(a, packs=2, minutes=60)
    c = diagnose(c, "display")
    clock.set(_at(9))
    a = move(a, "validated", "shipped")
    clock.set(_at(10))
    c = move(c, "cancelled")
    clock.set(_at(13))
    b = repair(b, packs=1, minutes=30)
    clock.set(_at(16))
    f = opened("VF-3006")
    clock.set(_at(17))
    f = move(f, "received")
    clock.set(_at(19, 21))
    f = diagnose(f, "connector")
    clock.set(_at(20))
    d = opened("VF-3004")
    clock.set(_at(24))
    d = move(d, "received")
    b = move(b, "validated")
    clock.set(_at(25))
    d = diagnose(d, "battery")
    b = move(b, "shipped")
    clock.set(_at(26))
    e = opened("VF-3005", paid=True)
    assert [r.warranty for r in (a, b, c, d, e, f)] == [True, True, False, True, False, True]
    clock.set(_at(30, 12))
    return {"lead": lead, "agent": agent}


def _kpi(page: Any, label: str) -> Any:
    return page.locator(".rp-kpi").filter(has=page.locator(".rp-kpi-label", has_text=label))


def _volume(page: Any) -> dict[str, str]:
    rows = page.get_by_role("region", name="Repair volume").get_by_role("row").all()
    return {
        r.get_by_role("rowheader").inner_text(): r.get_by_role("cell").inner_text() for r in rows
    }


def _pareto(page: Any) -> list[list[str]]:
    table = page.get_by_role("region", name="Failure modes, most frequent first")
    return [
        [r.get_by_role("rowheader").inner_text(), *r.get_by_role("cell").all_inner_texts()[:3]]
        for r in table.locator("tbody").get_by_role("row").all()
    ]


def test_a_lead_reads_the_months_repairs_and_the_weeks(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", SHOTS)
    desk = _bench_month(clock)
    screen = open_reports(open_screen, desk["lead"])
    page = screen.page
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Repairs", exact=True).click()
    expect(page.get_by_role("heading", name="Repairs", level=1)).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("RMA repairs, 1 Nov 2026 to 30 Nov 2026")

    # the last 30 days: every RMA's steps fell in November
    assert _volume(page) == {
        "RMAs opened": "6",
        "of which under warranty": "4",
        "of which paid": "2",
        "Diagnosed": "5",
        "Repaired or replaced": "2",
        "Shipped back (returned to service)": "2",
        "Cancelled": "1",
        # parts 3 x 42.50 and labour 90 minutes at 90.00, over the two units repaired
        "Repair cost per unit (parts and labour)": "131.25",
    }
    diagnosis = _kpi(page, "Average time to diagnose")
    expect(diagnosis.locator(".rp-kpi-value")).to_have_text("45.6 h")  # (24+72+48+60+24) / 5
    expect(diagnosis.locator(".rp-band")).to_have_text(re.compile(r"Met\s+\(target <= 48 h\)"))
    repair = _kpi(page, "Average repair time")
    expect(repair.locator(".rp-kpi-value")).to_have_text("7.5 d")  # (5 + 10) / 2
    expect(repair.locator(".rp-band")).to_have_text(re.compile(r"At risk\s+\(target <= 7 d\)"))
    returned = _kpi(page, "Returned to service")
    expect(returned.locator(".rp-kpi-value")).to_have_text("66.7 %")  # 2 shipped, 1 cancelled
    expect(returned.locator(".rp-band")).to_have_text(re.compile(r"Missed\s+\(target >= 90 %\)"))
    for k in (diagnosis, repair, returned):
        expect(k.get_by_text("Before:")).to_have_text("Before: –")  # nothing in October
    assert _pareto(page) == [
        ["Battery or charging", "3", "60.0 %", "60.0 %"],
        ["Cable or connector", "1", "20.0 %", "80.0 %"],  # a tie goes alphabetically
        ["Display", "1", "20.0 %", "100.0 %"],
    ]
    screen.check("repairs, the month")
    screen.shoot("reports-repairs")

    # the last 7 days (24 to 30 November) from the keyboard
    filters = page.get_by_role("form", name="Repair filters")
    choose_and_show(page, filters, "Period", "Last 7", "Last 7 days")
    expect(page.locator(".lead")).to_contain_text("RMA repairs, 24 Nov 2026 to 30 Nov 2026")
    assert _volume(page) == {
        "RMAs opened": "1",  # E
        "of which under warranty": "0",
        "of which paid": "1",
        "Diagnosed": "1",  # D
        "Repaired or replaced": "0",
        "Shipped back (returned to service)": "1",  # B
        "Cancelled": "0",
        "Repair cost per unit (parts and labour)": "–",
    }
    expect(diagnosis.locator(".rp-kpi-value")).to_have_text("24.0 h")
    expect(diagnosis.locator(".rp-band")).to_contain_text("Met")
    expect(diagnosis.get_by_text("Before:")).to_have_text(
        "Before: 60.0 h (−60 %)"
    )  # F, on the 19th
    expect(repair.locator(".rp-kpi-value")).to_have_text("–")
    expect(repair.locator(".rp-band")).to_contain_text("No data")
    expect(returned.locator(".rp-kpi-value")).to_have_text("100.0 %")
    expect(returned.locator(".rp-band")).to_contain_text("Met")
    assert _pareto(page) == [["Battery or charging", "1", "100.0 %", "100.0 %"]]
    screen.check("repairs, the week")
    screen.shoot("reports-repairs-week")

    # a week in which nothing was diagnosed says so rather than showing an empty table
    filters.get_by_label("Period").select_option(label="Dates below")
    filters.get_by_label("From").fill("2026-10-01")
    filters.get_by_label("To (inclusive)").fill("2026-10-31")
    with page.expect_navigation(wait_until="load"):
        filters.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No unit was diagnosed in this period.")).to_be_visible()
    assert _volume(page)["RMAs opened"] == "0"


def test_an_agent_may_not_open_the_repairs_report(open_screen, clock):
    desk = _bench_month(clock)
    screen = open_screen()
    page = screen.page
    screen.login(desk["agent"].email, PASSWORD)
    screen.goto("/agent/reports/")
    expect(page.get_by_role("heading", name="My figures", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Repairs", exact=True)).to_have_count(0)
    screen.allow("403")  # the refusal below is the answer we want
    response = screen.goto("/agent/reports/repairs/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't open this page")
    expect(page.get_by_text("Saltmarsh")).to_have_count(0)
    expect(page.get_by_text("131.25")).to_have_count(0)
    screen.check("repairs refused")
