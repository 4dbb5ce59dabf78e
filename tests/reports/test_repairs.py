"""The repair manager's figures, from RMAs worked through the devices services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from caredesk.devices.rma import rma_open, rma_part_add, rma_transition, rma_update
from caredesk.reports import pure, repairs
from caredesk.reports.selectors import Filters
from tests.devices.conftest import catalogue  # noqa: F401 - the fixture
from tests.devices.rma_helpers import another_unit, bench
from tests.factories import signed_in, supervisor

pytestmark = pytest.mark.django_db


def test_pareto_puts_the_largest_first_with_the_running_share() -> None:
    rows = pure.pareto([("Display", 2), ("Battery", 5), ("Sensor", 3), ("None", 0)])
    assert [(label, n) for label, n, _s, _c in rows] == [
        ("Battery", 5),
        ("Sensor", 3),
        ("Display", 2),
    ]
    assert [round(c) for *_x, c in rows] == [50, 80, 100]


def test_diagnosis_and_repair_times_cost_and_failure_modes(clock: Any, catalogue: Any) -> None:  # noqa: F811
    clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    b = bench(catalogue)
    first = rma_open(ticket=b.ticket, actor=b.agent)
    second = rma_open(
        ticket=another_unit(b, "PX-5002"), actor=b.agent, warranty=False, reason="Dropped"
    )
    for rma in (first, second):
        rma_transition(rma=rma, to="received", actor=b.technician)
    clock.set(datetime(2026, 11, 3, 21, tzinfo=UTC))  # 36 hours after receipt
    first = rma_transition(rma=first, to="diagnosed", actor=b.technician)
    rma_update(rma=first, changes={"failure_mode": "battery"}, actor=b.technician)
    clock.set(datetime(2026, 11, 5, 9, tzinfo=UTC))  # 72 hours after receipt
    second = rma_transition(rma=second, to="diagnosed", actor=b.technician)
    rma_update(rma=second, changes={"failure_mode": "display"}, actor=b.technician)
    clock.set(datetime(2026, 11, 12, 9, tzinfo=UTC))  # 10 days after receipt
    first = rma_transition(rma=first, to="repaired", actor=b.technician)
    rma_part_add(rma=first, part=b.part, quantity=2, actor=b.technician)  # 2 x 42.50
    rma_update(rma=first, changes={"labour_minutes": 30, "labour_rate": "80"}, actor=b.technician)
    rma_transition(rma=second, to="cancelled", actor=b.technician, reason="Not worth repairing")
    board = repairs.repairs(Filters(start=date(2026, 11, 1), end=date(2026, 11, 30)))
    assert (board.opened, board.warranty, board.paid) == (2, 1, 1)
    assert (board.diagnosed, board.repaired, board.cancelled) == (2, 1, 1)
    kpis = {k.key: k for k in board.kpis}
    assert kpis["diagnosis"].value == pytest.approx(54)  # (36 + 72) / 2 hours
    assert kpis["diagnosis"].band == pure.Band.AT_RISK  # target 48 h
    assert kpis["repair"].value == pytest.approx(10)  # days
    assert kpis["return_to_service"].value == 0.0  # nothing shipped back yet, one cancelled
    assert board.cost_per_unit == Decimal("125.00")  # parts 85.00 and labour 40.00
    assert [label for label, *_r in board.modes] == ["Battery or charging", "Display"]
    lead = signed_in(supervisor())
    html = lead.get(
        "/agent/reports/repairs/", {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"}
    )
    assert html.status_code == 200
    assert "Battery or charging" in html.content.decode() and "125.00" in html.content.decode()
    assert signed_in(b.agent).get("/agent/reports/repairs/").status_code == 403


def test_spare_parts_closest_to_running_out_come_first(clock: Any, catalogue: Any) -> None:  # noqa: F811
    from tests.devices.rma_helpers import stocked

    clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC))
    b = bench(catalogue)  # 20 battery packs on the shelf
    from caredesk.devices.models import Part

    board_part = stocked(Part.objects.create(number="MB-7", name="Main board", critical=True), 4)
    idle = stocked(Part.objects.create(number="FAN-1", name="Fan"), 50)  # never used
    rma = rma_open(ticket=b.ticket, actor=b.agent)
    rma = rma_transition(rma=rma, to="received", actor=b.technician)
    rma = rma_transition(rma=rma, to="diagnosed", actor=b.technician)
    rma_part_add(rma=rma, part=b.part, quantity=2, actor=b.technician)
    rma_part_add(rma=rma, part=board_part, quantity=3, actor=b.technician)
    stock = repairs.parts_stock()
    assert stock.tracked == 2 and stock.below_floor == 1  # the fan was not used
    (board, battery) = stock.lowest
    assert board.part.number == "MB-7" and board.state.on_hand == 1
    assert board.state.days == Decimal("30.0")  # 1 left, 3 used in 90 days
    assert board.state.below_floor  # a critical part's floor: 60 days
    assert battery.state.days == Decimal("810.0") and not battery.state.below_floor
    html = signed_in(supervisor()).get("/agent/reports/repairs/").content.decode()
    assert "Spare parts: days of stock today" in html
    assert html.index("Main board") < html.index("Battery pack")
    assert "Below floor: reorder" in html and idle.name not in html
