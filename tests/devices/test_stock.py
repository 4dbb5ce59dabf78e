"""Stock keeping: receipts, repair consumption, adjustments, counts and transfers as movements;
stock never below zero; days of stock, the floor, one reorder alert per crossing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caredesk.core.errors import ValidationFailed
from caredesk.core.models import Notification, OutboxItem
from caredesk.devices.models import (
    MovementKind,
    Part,
    ReorderAlert,
    StockLevel,
    StockLocation,
    StockMovement,
)
from caredesk.devices.stock import (
    stock_adjust,
    stock_count,
    stock_receive,
    stock_transfer,
    take_for_repair,
)
from caredesk.devices.stock_selectors import stock_state
from tests.factories import AgentFactory, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(db):
    return StockLocation.objects.create(name="Main depot", repair_default=True)


@pytest.fixture
def van(db):
    return StockLocation.objects.create(name="Field van 1")


@pytest.fixture
def battery(db):
    return Part.objects.create(
        number="BAT-7", name="Battery pack", critical=True, lead_time_days=30
    )


@pytest.fixture
def lead(db):
    return supervisor()


def _on_hand(part, location) -> int:
    return StockLevel.objects.get(part=part, location=location).on_hand


def test_receipt_consumption_and_transfer_are_movements_with_who_and_why(
    clock, depot, van, battery, lead
):
    stock_receive(part=battery, location=depot, quantity=20, actor=lead, reference="PO-881")
    take_for_repair(battery, 3, actor=lead, reference="RMA-12")
    out, into = stock_transfer(
        part=battery, source=depot, destination=van, quantity=5, actor=lead, reason="van kit"
    )
    assert _on_hand(battery, depot) == 12 and _on_hand(battery, van) == 5
    kinds = list(
        StockMovement.objects.filter(part=battery)
        .order_by("id")
        .values_list("kind", "quantity", "on_hand_after", "reference")
    )
    assert kinds == [
        (MovementKind.RECEIPT, 20, 20, "PO-881"),
        (MovementKind.CONSUMPTION, -3, 17, "RMA-12"),
        (MovementKind.TRANSFER, -5, 12, ""),
        (MovementKind.TRANSFER, 5, 5, ""),
    ]
    assert out.other_location == van and into.other_location == depot
    assert out.actor == lead and out.reason == "van kit"


def test_movements_are_append_only(clock, depot, battery, lead):
    movement = stock_receive(part=battery, location=depot, quantity=2, actor=lead)
    movement.reason = "changed"
    with pytest.raises(ValueError):
        movement.save()
    with pytest.raises(ValueError):
        movement.delete()


def test_stock_never_goes_negative(clock, depot, van, battery, lead):
    stock_receive(part=battery, location=depot, quantity=2, actor=lead)
    with pytest.raises(ValidationFailed) as exc:
        take_for_repair(battery, 3, actor=lead, reference="RMA-13")
    assert "Only 2 of BAT-7 on hand at Main depot" in exc.value.errors["quantity"][0]
    with pytest.raises(ValidationFailed) as exc:
        stock_adjust(part=battery, location=depot, change=-5, actor=lead, reason="broken")
    assert "change" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        stock_transfer(part=battery, source=van, destination=depot, quantity=1, actor=lead)
    assert "Only 0 of BAT-7 on hand at Field van 1" in exc.value.errors["quantity"][0]
    assert _on_hand(battery, depot) == 2
    assert StockMovement.objects.filter(part=battery).count() == 1


def test_adjustments_and_counts_need_a_reason(clock, depot, battery, lead):
    stock_receive(part=battery, location=depot, quantity=10, actor=lead)
    with pytest.raises(ValidationFailed) as exc:
        stock_adjust(part=battery, location=depot, change=-1, actor=lead, reason="  ")
    assert exc.value.errors["reason"] == ["Say why the stock changes."]
    with pytest.raises(ValidationFailed):
        stock_count(part=battery, location=depot, counted=8, actor=lead, reason="")
    counted = stock_count(
        part=battery, location=depot, counted=8, actor=lead, reason="quarterly count"
    )
    assert counted.quantity == -2 and counted.on_hand_after == 8
    same = stock_count(part=battery, location=depot, counted=8, actor=lead, reason="recount")
    assert same.quantity == 0 and _on_hand(battery, depot) == 8


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3", True, 10_000_001])
def test_bad_quantities_are_refused_with_a_field_message(clock, depot, battery, lead, bad):
    with pytest.raises(ValidationFailed) as exc:
        stock_receive(part=battery, location=depot, quantity=bad, actor=lead)
    assert "quantity" in exc.value.errors


def test_a_transfer_needs_two_locations_and_repairs_need_a_repair_stock(clock, van, battery, lead):
    with pytest.raises(ValidationFailed) as exc:
        stock_transfer(part=battery, source=van, destination=van, quantity=1, actor=lead)
    assert "destination" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        take_for_repair(battery, 1, actor=lead, reference="RMA-1")
    assert exc.value.errors["part"] == ["No stock location is marked as the repair stock."]


def test_days_of_stock_and_the_suggested_order(clock, depot, battery, lead):
    stock_receive(part=battery, location=depot, quantity=100, actor=lead)
    state = stock_state(battery)
    assert state.days is None and not state.below_floor and state.suggested == 0
    clock.advance(days=-100)  # consumption long ago does not count
    take_for_repair(battery, 50, actor=lead, reference="RMA-OLD")
    clock.advance(days=100)
    assert stock_state(battery).days is None
    for i in range(9):  # 9 in the last 90 days: 0.1 a day
        take_for_repair(battery, 1, actor=lead, reference=f"RMA-{i}")
        clock.advance(days=1)
    state = stock_state(battery)
    assert state.on_hand == 41 and state.used == 9
    assert state.days == Decimal("410.0")
    # critical: floor 60 days, ceiling 90; order so that after 30 days' lead time it is at 90
    assert state.floor_days == 60 and state.ceiling_days == 90
    assert state.suggested == 0  # 0.1 * 120 = 12 < 41


def test_one_reorder_alert_per_crossing_told_to_the_stock_managers(clock, depot, battery, lead):
    agent = AgentFactory()
    stock_receive(part=battery, location=depot, quantity=40, actor=lead)
    take_for_repair(battery, 9, actor=lead, reference="RMA-1")  # 0.1/day: 310 days
    assert not ReorderAlert.objects.exists()
    stock_adjust(part=battery, location=depot, change=-26, actor=lead, reason="water damage")
    # 5 on hand, 0.1 a day: 50 days < 60 floor
    alert = ReorderAlert.objects.get()
    assert alert.on_hand == 5 and alert.days_of_stock == Decimal("50.0")
    assert alert.suggested_quantity == 7  # 0.1 * (90 + 30) - 5 = 7
    notes = list(Notification.objects.values_list("user_id", "text"))
    assert [u for u, _ in notes] == [lead.pk]
    assert notes[0][1].startswith("Reorder BAT-7 Battery pack: 5 on hand, 50 days of stock")
    assert agent.pk not in [u for u, _ in notes]
    # further movements below the floor: no second alert
    take_for_repair(battery, 1, actor=lead, reference="RMA-2")
    assert ReorderAlert.objects.count() == 1 and Notification.objects.count() == 1
    mails = [i.payload["to"] for i in OutboxItem.objects.filter(kind="email")]
    assert mails == [[lead.email]]
    # back above the floor clears it; the next crossing alerts again
    stock_receive(part=battery, location=depot, quantity=20, actor=lead)
    assert ReorderAlert.objects.get().cleared_at is not None
    stock_adjust(part=battery, location=depot, change=-20, actor=lead, reason="recall")
    assert ReorderAlert.objects.count() == 2
    assert ReorderAlert.objects.filter(cleared_at__isnull=True).count() == 1
    assert Notification.objects.count() == 2


def test_a_part_without_a_floor_of_its_own_uses_the_default(db):
    plain = Part(number="X", name="Screw", critical=False)
    assert (plain.floor, plain.ceiling) == (30, 60)
    own = Part(number="Y", name="Lens", floor_days=45, ceiling_days=20)
    assert (own.floor, own.ceiling) == (45, 45)
