"""Devices in a real browser: a support lead checks a CSV with a bad row (dry run, then
import), and an agent opens a ticket naming an imported serial and sees its warranty; another
ticket's unknown serial is said so. Screenshots at 1440 and 390 pixels wide."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.devices.models import Asset, ProductClass, ProductModel
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    supervisor,
)

pytestmark = pytest.mark.e2e

CSV = (
    "serial,model,organization,site,purchased_on,in_clinical_use\n"
    "KR-5001,KR-ST5,Larkspur Physio,Therapy gym,2025-01-20,yes\n"
    "KR-5002,KR-ST5,Larkspur Physio,Room 4,2025-02-30,no\n"
    "KR-5003,NOPE-9,Larkspur Physio,,2025-01-20,no\n"
)


def test_import_then_the_ticket_shows_the_warranty(open_screen, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-devices-shots")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    ProductModel.objects.create(
        name="Kinetra Rehab Stimulator", sku="KR-ST5", product_class=electronics
    )
    org = OrganizationFactory(name="Larkspur Physio")
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")
    path = tmp_path / "assets.csv"
    path.write_text(CSV, encoding="utf-8")

    # --- the lead checks the file (dry run), then imports it -----------------------------------
    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="Devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assets")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("CSV file").set_input_files(str(path))
    expect(page.get_by_label("Dry run: check every row and write nothing")).to_be_checked()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Check or import").click()
    expect(page.locator("#report-title")).to_have_text("Dry run: nothing written")
    expect(page.locator("#report-summary")).to_have_text("1 row would be imported, 2 refused.")
    rows = page.locator("#refused-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("bad date in purchased_on: '2025-02-30'")
    expect(rows.nth(1)).to_contain_text("unknown model 'NOPE-9'")
    assert not Asset.objects.exists()
    screen.check("import dry run")
    screen.shoot("devices-import-dry-run")

    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_label("Dry run: check every row and write nothing").uncheck()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Check or import").click()
    expect(page.locator("#report-summary")).to_have_text("1 asset imported, 2 refused.")
    assert Asset.objects.get(serial="KR-5001").organization == org
    page.get_by_role("link", name="Assets").click()
    expect(page.get_by_role("link", name="KR-5001")).to_be_visible()
    screen.check("asset list")
    screen.shoot("devices-assets")

    # --- an agent opens tickets naming a known and an unknown serial ---------------------------
    team = TeamFactory(name="Device support", slug="device-support")
    agent = AgentFactory(teams=[team], name="Tobiah Wren", email="tobiah.agent@caredesk.example")
    requester = ContactFactory(name="Philippa Orme", organization=org)
    known = make_ticket(
        requester,
        subject="Stimulator shows error E4 at start-up",
        team=team,
        structured={"device_serial": "KR-5001"},
    )
    unknown = make_ticket(
        requester, subject="Unit will not charge", team=team, structured={"device_serial": "X-123"}
    )
    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/tickets/{known.pk}/")
    card = page.locator("#asset-card")
    expect(card).to_contain_text("Kinetra Rehab Stimulator")
    expect(card).to_contain_text("Larkspur Physio")
    expect(card).to_contain_text("In warranty")
    expect(card).to_contain_text("until 20 Jan 2027")
    expect(card).to_contain_text("In active clinical use")
    expect(card).to_contain_text("No plan")
    screen.check("ticket with its asset")
    screen.shoot("devices-ticket-asset-card")
    card.get_by_role("link", name="KR-5001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KR-5001")
    expect(page.get_by_role("link", name=known.ref)).to_be_visible()
    screen.check("asset page")
    screen.shoot("devices-asset")

    screen.goto(f"/agent/tickets/{unknown.pk}/")
    expect(page.locator("#asset-card")).to_contain_text("Serial X-123 is not a known asset.")
    screen.check("ticket with an unknown serial")
