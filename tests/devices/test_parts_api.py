"""The parts API: list and read with stock and days of stock, movements in keyset pages,
receive and adjust or count (never below zero; 4xx with field messages)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caredesk.devices.models import Part, StockLocation, StockMovement
from caredesk.devices.stock import stock_receive, take_for_repair
from tests.api.conftest import ApiClient, assert_problem
from tests.factories import AgentFactory, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def stockroom(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    depot = StockLocation.objects.create(name="Main depot", repair_default=True)
    van = StockLocation.objects.create(name="Field van 1")
    battery = Part.objects.create(number="BAT-7", name="Battery pack", critical=True)
    battery.product_models.add(catalogue["PX-200"])
    Part.objects.create(number="SCR-1", name="Screw set")
    return {"depot": depot, "van": van, "battery": battery}


@pytest.fixture
def lead():
    return ApiClient(supervisor())


def test_list_and_get_with_stock_and_days(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    stock_receive(part=battery, location=depot, quantity=10, actor=None)
    take_for_repair(battery, 9, actor=None, reference="RMA-1")  # 1 left; 0.1/day: 10 days
    items = lead.get("/parts").json()["items"]
    assert [i["number"] for i in items] == ["BAT-7", "SCR-1"]
    bat = items[0]
    assert bat["on_hand"] == 1 and bat["stock"] == [
        {"location_id": depot.pk, "location": "Main depot", "on_hand": 1}
    ]
    assert bat["days_of_stock"] == 10.0 and bat["below_floor"] is True
    assert bat["suggested_quantity"] == 10 and bat["models"] == ["PX-200"]
    assert items[1]["days_of_stock"] is None and items[1]["below_floor"] is False
    assert [i["number"] for i in lead.get("/parts?below_floor=true").json()["items"]] == ["BAT-7"]
    assert lead.get(f"/parts/{battery.pk}").json()["used_last_90_days"] == 9
    assert_problem(lead.get("/parts/999999"), 404)
    locations = lead.get("/stock-locations").json()
    assert [(loc["name"], loc["repair_stock"]) for loc in locations] == [
        ("Field van 1", False),
        ("Main depot", True),
    ]


def test_receive_adjust_count_and_the_movements(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    url = f"/parts/{battery.pk}"
    r = lead.post(f"{url}/receive", {"location_id": depot.pk, "quantity": 5, "reference": "PO-9"})
    assert r.status_code == 201, r.content
    assert r.json()["on_hand_after"] == 5 and r.json()["kind"] == "receipt"
    r = lead.post(f"{url}/adjust", {"location_id": depot.pk, "change": -2, "reason": "dropped"})
    assert r.status_code == 201 and r.json()["on_hand_after"] == 3
    r = lead.post(f"{url}/adjust", {"location_id": depot.pk, "counted": 4, "reason": "count"})
    assert r.status_code == 201 and r.json()["quantity"] == 1
    page = lead.get(f"{url}/movements?limit=2").json()
    assert [m["kind"] for m in page["items"]] == ["count", "adjustment"]
    rest = lead.get(f"{url}/movements?limit=2&before={page['next_before']}").json()
    assert [m["kind"] for m in rest["items"]] == ["receipt"] and rest["next_before"] is None


def test_bad_stock_changes_are_refused_with_field_messages(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    url = f"/parts/{battery.pk}"
    r = lead.post(f"{url}/adjust", {"location_id": depot.pk, "change": -1, "reason": "lost"})
    problem = assert_problem(r, 422)
    assert "Only 0 of BAT-7" in problem["errors"]["change"][0]
    assert_problem(lead.post(f"{url}/adjust", {"location_id": depot.pk, "change": 1}), 422)
    r = lead.post(f"{url}/adjust", {"location_id": depot.pk, "change": 1, "counted": 2,
                                    "reason": "x"})  # fmt: skip
    assert_problem(r, 422)
    assert_problem(lead.post(f"{url}/receive", {"location_id": depot.pk, "quantity": 0}), 422)
    assert_problem(lead.post(f"{url}/receive", {"location_id": depot.pk, "quantity": "2"}), 422)
    r = lead.post(f"{url}/receive", {"location_id": 999999, "quantity": 1})
    assert "location_id" in assert_problem(r, 422)["errors"]
    assert_problem(
        lead.post("/parts/999999/receive", {"location_id": depot.pk, "quantity": 1}), 404
    )
    assert not StockMovement.objects.exists()


def test_agents_neither_read_nor_change_stock(stockroom):
    agent = ApiClient(AgentFactory())
    depot, battery = stockroom["depot"], stockroom["battery"]
    assert_problem(agent.get("/parts"), 403)
    r = agent.post(f"/parts/{battery.pk}/receive", {"location_id": depot.pk, "quantity": 1})
    assert_problem(r, 403)
    r = agent.post(
        f"/parts/{battery.pk}/adjust", {"location_id": depot.pk, "change": 1, "reason": "x"}
    )
    assert_problem(r, 403)


def test_the_list_costs_the_same_queries_whatever_the_number_of_parts(
    stockroom, lead, django_assert_max_num_queries
):
    lead.get("/parts")
    with django_assert_max_num_queries(50) as few:
        lead.get("/parts")
    for i in range(20):
        p = Part.objects.create(number=f"X-{i:02}", name="Filler")
        stock_receive(part=p, location=stockroom["van"], quantity=3, actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(lead.get("/parts").json()["items"]) == 22
