"""Desk screens: the parts list and a part's page with its stock forms; the model page's parts;
the asset's edit form and history; constant query counts whatever the history's length."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from caredesk.devices.models import AssetEvent, Part, StockLevel, StockLocation, StockMovement
from caredesk.devices.services import asset_update
from caredesk.devices.stock import stock_receive, take_for_repair
from tests.devices.conftest import make_asset
from tests.factories import (
    AgentFactory,
    OrganizationFactory,
    login_verified,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    login_verified(c, user)
    return c


@pytest.fixture
def stockroom(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    depot = StockLocation.objects.create(name="Main depot", repair_default=True)
    van = StockLocation.objects.create(name="Field van 1")
    battery = Part.objects.create(number="BAT-7", name="Battery pack", critical=True)
    battery.product_models.add(catalogue["PX-200"])
    return {"depot": depot, "van": van, "battery": battery}


@pytest.fixture
def lead():
    return supervisor()


def test_the_parts_list_shows_stock_per_location_and_days(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    stock_receive(part=battery, location=depot, quantity=12, actor=lead)
    page = _client(lead).get("/agent/devices/parts/").content.decode()
    assert "BAT-7" in page and "Main depot" in page and "Field van 1" in page
    assert "no recent use" in page and "Critical" in page
    assert "Below floor: reorder" not in page and "stock-below" not in page


def test_receive_adjust_and_transfer_from_the_part_page(stockroom, lead):
    depot, van, battery = stockroom["depot"], stockroom["van"], stockroom["battery"]
    client = _client(lead)
    url = f"/agent/devices/parts/{battery.pk}/"
    r = client.post(
        url + "receive/",
        {"receive-location": depot.pk, "receive-quantity": 10, "receive-reference": "PO-1"},
    )
    assert r.status_code == 302 and r["Location"] == url
    r = client.post(
        url + "transfer/",
        {"transfer-source": depot.pk, "transfer-destination": van.pk, "transfer-quantity": 4},
    )
    assert r.status_code == 302
    r = client.post(
        url + "adjust/",
        {
            "adjust-location": van.pk,
            "adjust-mode": "count",
            "adjust-quantity": 3,
            "adjust-reason": "shelf count",
        },
    )
    assert r.status_code == 302
    levels = dict(StockLevel.objects.values_list("location__name", "on_hand"))
    assert levels == {"Main depot": 6, "Field van 1": 3}
    page = client.get(url).content.decode()
    assert "PO-1" in page and "shelf count" in page and "Transferred to Field van 1" in page


def test_bad_stock_input_is_a_422_with_the_fields_message(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    client = _client(lead)
    url = f"/agent/devices/parts/{battery.pk}/"
    r = client.post(
        url + "adjust/",
        {"adjust-location": depot.pk, "adjust-mode": "change", "adjust-quantity": -3,
         "adjust-reason": "broken"},
    )  # fmt: skip
    assert r.status_code == 422
    assert "Only 0 of BAT-7 on hand at Main depot" in r.content.decode()
    r = client.post(url + "adjust/", {"adjust-location": depot.pk, "adjust-quantity": "x"})
    assert r.status_code == 422
    r = client.post(url + "receive/", {"receive-location": "99999", "receive-quantity": "1"})
    assert r.status_code == 422
    assert not StockMovement.objects.exists()


def test_agents_do_not_see_or_manage_stock(stockroom):
    client = _client(AgentFactory())
    battery = stockroom["battery"]
    assert client.get("/agent/devices/parts/").status_code == 403
    r = client.post(f"/agent/devices/parts/{battery.pk}/receive/", {})
    assert r.status_code == 403


def test_a_drop_below_the_floor_shows_on_the_parts_screen(stockroom, lead):
    depot, battery = stockroom["depot"], stockroom["battery"]
    stock_receive(part=battery, location=depot, quantity=6, actor=lead)
    take_for_repair(battery, 2, actor=lead, reference="RMA-1")  # 4 left, 2/90 a day: 180 days
    take_for_repair(battery, 3, actor=lead, reference="RMA-2")  # 1 left, 5/90 a day: 18 days
    page = _client(lead).get("/agent/devices/parts/").content.decode()
    assert "Below floor: reorder" in page and "Below floor</span> order" in page
    assert (
        _client(lead).get("/agent/devices/parts/?below=on").content.decode().count('id="part-') == 1
    )


def test_the_part_page_costs_the_same_queries_whatever_its_history(
    stockroom, lead, django_assert_max_num_queries
):
    depot, battery = stockroom["depot"], stockroom["battery"]
    client = _client(lead)
    stock_receive(part=battery, location=depot, quantity=500, actor=lead)
    url = f"/agent/devices/parts/{battery.pk}/"
    client.get(url)
    with django_assert_max_num_queries(200) as one:
        client.get(url)
    for i in range(60):
        take_for_repair(battery, 1, actor=lead, reference=f"RMA-{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "Older movements" in page
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/agent/devices/parts/")


def test_the_model_page_lists_the_parts_it_uses(stockroom, lead):
    page = _client(lead).get("/agent/devices/models/").content.decode()
    assert "BAT-7" in page and "Battery pack" in page


# -- the asset's desk page: editing and history ----------------------------------------------


@pytest.fixture
def unit(clock, catalogue):
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))
    return make_asset(
        catalogue["PX-200"],
        "PX-4410",
        organization=OrganizationFactory(name="Harbourview Physio"),
        firmware="2.0.1",
        purchased_on=date(2025, 1, 20),
    )


def _edit_data(unit, **changes):
    data = {
        "firmware": unit.firmware,
        "organization": unit.organization_id or "",
        "site": unit.site,
        "lot": unit.lot,
        "udi": unit.udi,
        "patient_id": unit.patient_id,
        "purchased_on": unit.purchased_on.isoformat() if unit.purchased_on else "",
        "installed_on": "",
        "notes": unit.notes,
    }
    data.update(changes)
    return data


def test_editing_the_firmware_on_the_desk_is_its_own_event(unit, lead):
    client = _client(lead)
    r = client.post(f"/agent/devices/{unit.pk}/edit/", _edit_data(unit, firmware="2.1.0"))
    assert r.status_code == 302
    r = client.post(
        f"/agent/devices/{unit.pk}/edit/", _edit_data(unit, firmware="2.1.0", site="Room 4")
    )
    kinds = list(AssetEvent.objects.filter(asset=unit).order_by("id").values_list("kind", "data"))
    assert kinds == [
        ("firmware", {"from": "2.0.1", "to": "2.1.0"}),
        ("changed", {"fields": ["site"]}),
    ]
    page = client.get(f"/agent/devices/{unit.pk}/").content.decode()
    history = page[page.index('id="asset-history"') :]
    assert "Firmware changed" in history and "2.0.1 → 2.1.0" in history
    assert "Details changed" in history and "site" in history


def test_the_edit_form_refuses_bad_input_with_field_messages(unit, lead):
    client = _client(lead)
    r = client.post(
        f"/agent/devices/{unit.pk}/edit/",
        _edit_data(unit, purchased_on="2025-31-01", firmware="x" * 65),
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert "Enter a valid date." in body and "at most 64 characters" in body
    assert not AssetEvent.objects.filter(asset=unit).exists()


def test_only_people_who_change_assets_edit_them_and_the_patient_needs_phi(unit):
    from caredesk.accounts.roles import ROLE_ADMIN

    assert _client(AgentFactory()).get(f"/agent/devices/{unit.pk}/edit/").status_code == 403
    admin = AgentFactory(role=ROLE_ADMIN)
    page = _client(admin).get(f"/agent/devices/{unit.pk}/edit/").content.decode()
    assert 'name="firmware"' in page and 'name="patient_id"' not in page
    unit.patient_id = "P-5512"
    unit.save()
    r = _client(admin).post(f"/agent/devices/{unit.pk}/edit/", _edit_data(unit, site="Lab"))
    assert r.status_code == 302
    unit.refresh_from_db()
    assert unit.patient_id == "P-5512" and unit.site == "Lab"


def _grow_history(unit, lead, n: int) -> None:
    for i in range(n):
        asset_update(asset=unit, changes={"firmware": f"3.{i}.0"}, actor=lead)
        make_ticket(structured={"device_serial": unit.serial})


def test_the_asset_page_and_the_ticket_card_cost_the_same_whatever_the_history(
    unit, lead, django_assert_max_num_queries
):
    client = _client(lead)
    _grow_history(unit, lead, 1)
    ticket = make_ticket(structured={"device_serial": unit.serial})
    pages = [f"/agent/devices/{unit.pk}/", f"/agent/tickets/{ticket.pk}/"]
    counts = []
    for url in pages:
        client.get(url)  # warm caches
        with django_assert_max_num_queries(300) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    _grow_history(unit, lead, 50)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            body = client.get(url).content.decode()
        assert "3.49.0" in body  # the newest entry is shown
    page = client.get(pages[1]).content.decode()
    assert "Recent history" in page


def test_the_demo_has_parts_two_locations_movements_and_one_alert(clock):
    from caredesk.demo import demo_load
    from caredesk.devices.models import ReorderAlert

    demo_load(tickets=20)
    assert StockLocation.objects.count() == 2 and Part.objects.count() >= 4
    assert StockMovement.objects.count() > 40
    alerts = list(ReorderAlert.objects.filter(cleared_at__isnull=True).values_list("part__number"))
    assert alerts == [("PT-BAT-02",)]
