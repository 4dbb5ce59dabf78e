"""Spare parts in a real browser: a support lead receives stock, repairs use it until the part
drops below its floor and the alert shows on the parts screen; the lead edits an asset's
firmware on the desk and its history shows the change. Screenshots at 1440 and 390 wide."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.core import clock as clock_module
from caredesk.devices.models import Asset, Part, ProductClass, ProductModel, StockLocation
from caredesk.devices.stock import take_for_repair
from tests.e2e import conftest as e2e
from tests.factories import PASSWORD, OrganizationFactory, make_ticket, supervisor

pytestmark = pytest.mark.e2e


@pytest.fixture
def shots(monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-parts-shots")


def test_receive_then_use_below_the_floor_shows_the_alert(open_screen, clock, shots):
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    model = ProductModel.objects.create(
        name="Kinetra Rehab Stimulator", sku="KR-ST5", product_class=electronics
    )
    StockLocation.objects.create(name="Central depot", repair_default=True)
    StockLocation.objects.create(name="Field van North")
    leads = Part.objects.create(
        number="KR-LED-04", name="Stimulator lead set", critical=True, lead_time_days=21
    )
    leads.product_models.add(model)
    Part.objects.create(number="KR-CLP-01", name="Electrode clip")
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")

    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    page = screen.page
    screen.goto("/agent/devices/parts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parts and stock")
    expect(page.locator("#reorder-alerts")).to_have_count(0)
    page.get_by_role("link", name="KR-LED-04").click()
    receive = page.locator("#receive-form")
    receive.get_by_label("Into").select_option(label="Central depot")
    receive.get_by_label("Quantity").fill("10")
    receive.get_by_label("Order or delivery note").fill("PO-2207")
    with page.expect_navigation(wait_until="load"):
        receive.get_by_role("button", name="Receive").click()
    expect(page.get_by_text("10 received at Central depot.")).to_be_visible()
    expect(page.locator("#movements")).to_contain_text("PO-2207")
    screen.check("part page")
    screen.shoot("parts-part")

    # repairs use 9 over the next days: 1 left at 0.1 a day is 10 days, under the 60-day floor
    for i in range(9):
        take_for_repair(leads, 1, actor=lead, reference=f"RMA-{100 + i}")
        clock.advance(hours=6)
    screen.goto("/agent/devices/parts/")
    alerts = page.locator("#reorder-alerts")
    expect(alerts).to_contain_text("Below floor: reorder")
    expect(alerts).to_contain_text("KR-LED-04 Stimulator lead set: 1 on hand")
    row = page.locator(f"#part-{leads.pk}")
    expect(row).to_contain_text("Below floor")
    expect(row).to_contain_text("10.0 days")
    screen.check("parts list with an alert")
    screen.shoot("parts-list-alert")
    row.get_by_role("link", name="KR-LED-04").click()
    expect(page.locator("#part-alert")).to_contain_text("Below floor since 4 Nov 2026")

    # an adjustment that would go below zero is refused on its field (the page answers 422)
    screen.allow("status of 422")
    adjust = page.locator("#adjust-form")
    adjust.get_by_label("At").select_option(label="Central depot")
    adjust.get_by_label("Quantity").fill("-5")
    adjust.get_by_label("Why").fill("water damage")
    with page.expect_navigation(wait_until="load"):
        adjust.get_by_role("button", name="Record").click()
    expect(page.locator("#adjust-form")).to_contain_text("Only 1 of KR-LED-04 on hand")
    screen.check("a refused adjustment")
    screen.shoot("parts-adjust-refused")


def test_edit_an_assets_firmware_and_see_it_in_its_history(open_screen, clock, shots):
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    model = ProductModel.objects.create(
        name="Pulsetrak Home Monitor",
        sku="PT-HM2",
        product_class=electronics,
        firmware_versions=["3.2.0", "3.4.1"],
    )
    now = clock_module.now()
    asset = Asset.objects.create(
        serial="PT-88120",
        product_model=model,
        firmware="3.2.0",
        organization=OrganizationFactory(name="Larkspur Physio"),
        purchased_on=date(2025, 6, 1),
        created_at=now,
        updated_at=now,
    )
    ticket = make_ticket(
        subject="Monitor restarts during readings", structured={"device_serial": "PT-88120"}
    )
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")

    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/devices/{asset.pk}/")
    page.get_by_role("link", name="Edit asset").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PT-88120")
    page.get_by_label("Firmware").fill("3.4.1")
    screen.check("asset edit form")
    screen.shoot("devices-asset-edit")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save asset").click()
    history = page.locator("#asset-history")
    expect(history).to_contain_text("Firmware changed")
    expect(history).to_contain_text("3.2.0 → 3.4.1")
    expect(history).to_contain_text("Odile Brack")
    expect(history.get_by_role("link", name=ticket.ref)).to_be_visible()
    screen.check("asset history")
    screen.shoot("devices-asset-history")

    screen.goto(f"/agent/tickets/{ticket.pk}/")
    card = page.locator("#asset-card")
    expect(card).to_contain_text("Recent history")
    expect(card).to_contain_text("3.2.0 → 3.4.1")
    screen.check("ticket asset card with history")
    screen.shoot("devices-ticket-card-history")
