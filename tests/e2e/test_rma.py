"""RMA repairs in a real browser: an agent opens an RMA from a ticket whose serial is in
warranty; a repair technician works the bench and validates with its checklist; the clinic's
administrator follows the return in the portal to shipped. Screenshots at 1440 and 390 of the
RMA list, an RMA's page and the portal's."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.accounts.roles import ROLE_TECHNICIAN
from caredesk.devices.models import Part, ProductClass, ProductModel, Rma
from caredesk.tickets.models import ChecklistTemplate, ChecklistTemplateItem
from tests.devices.conftest import make_asset
from tests.devices.rma_helpers import stocked
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
)

pytestmark = pytest.mark.e2e


def test_an_rma_from_the_ticket_through_the_bench_to_the_portal(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-rma-shots")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    model = ProductModel.objects.create(
        name="Kinetra Rehab Stimulator", sku="KR-ST5", product_class=electronics
    )
    template = ChecklistTemplate.objects.create(
        name="Stimulator bench check", created_at=clock.current, updated_at=clock.current
    )
    for i, text in enumerate(["Power-on self test passes", "Output within 2 % of setting"]):
        ChecklistTemplateItem.objects.create(template=template, text=text, position=i)
    model.validation_checklist = template
    model.save()
    stocked(Part.objects.create(number="KR-BAT-3", name="Battery pack", unit_cost="42.50"))
    org = OrganizationFactory(name="Larkspur Physio")
    make_asset(model, "KR-5001", organization=org, purchased_on=date(2025, 9, 1))
    team = TeamFactory(name="Device support", slug="device-support")
    agent = AgentFactory(teams=[team], name="Tobiah Wren", email="tobiah.agent@caredesk.example")
    tech = AgentFactory(
        teams=[team],
        role=ROLE_TECHNICIAN,
        name="Ilse Brandvold",
        email="ilse.bench@caredesk.example",
    )
    office = requester_with_login(
        organization=org, kind=ContactKind.CLIENT_ADMIN, name="Philippa Orme",
        email="office@larkspur.example",
    )  # fmt: skip
    ticket = make_ticket(
        office,
        subject="Stimulator shows error E4 at start-up",
        team=team,
        structured={"device_serial": "KR-5001"},
    )

    # --- the agent opens the RMA from the ticket ------------------------------------------------
    screen = open_screen()
    screen.login(agent.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    card = page.locator("#asset-card")
    expect(card).to_contain_text("In warranty")
    screen.check("ticket with its unit")
    screen.shoot("rma-ticket")
    with page.expect_navigation(wait_until="load"):
        card.get_by_role("button", name="Open RMA").click()
    rma = Rma.objects.get(ticket=ticket)
    expect(page.get_by_role("heading", level=1)).to_contain_text(rma.number)
    expect(page.locator(".kv")).to_contain_text(["Warranty"])
    screen.check("RMA opened")
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    expect(page.locator("#ticket-rmas")).to_contain_text(rma.number)
    expect(page.get_by_text(f"{rma.number} opened")).to_be_visible()

    # --- the technician receives, diagnoses, repairs and validates with the checklist ----------
    screen = open_screen()
    screen.login(tech.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="Devices").first.click()
    page.get_by_role("link", name="RMAs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("RMAs")
    expect(page.locator("#rma-table")).to_contain_text(rma.number)
    screen.check("RMA list")
    screen.shoot("rma-list")
    page.get_by_role("link", name=rma.number).click()
    clock.advance(days=3)  # the unit arrives
    page.get_by_label("Inbound tracking", exact=True).first.fill("1Z-IN-4410")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Mark received").click()
    expect(page.locator("#rma-clocks-title + ul")).to_contain_text("RMA diagnosis")
    clock.advance(hours=20)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Mark diagnosed").click()
    page.get_by_label("Failure mode").select_option("battery")
    page.get_by_label("Findings").fill("Battery swollen; replaced the pack.")
    page.get_by_label("Labour (minutes)").fill("30")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Save bench record").click()
    page.get_by_label("Part", exact=True).select_option(label="KR-BAT-3 Battery pack")
    page.get_by_label("Quantity").fill("1")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Record part").click()
    clock.advance(days=2)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Mark repaired").click()
    screen.allow("409")  # the refusal below is the answer we want
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Validate").click()
    expect(page.locator("#status-errors")).to_contain_text(
        "Finish the bench validation first: 2 required steps are not done."
    )
    for step in ("Power-on self test passes", "Output within 2 % of setting"):
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name=f"Mark done: {step}").click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Validate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Validated")
    expect(page.locator(".rma-cost")).to_contain_text("87.50")  # 42.50 + 30 min at 90.00/h
    screen.check("RMA validated")
    screen.shoot("rma-detail")
    clock.advance(days=1)
    page.get_by_label("Outbound tracking", exact=True).first.fill("1Z-OUT-7731")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shipped")

    # --- the clinic follows it in the portal -----------------------------------------------------
    screen = open_screen()
    screen.login(office.user.email, PASSWORD)
    page = screen.page
    page.get_by_role("link", name="Repairs").click()
    expect(page.locator("#portal-rmas")).to_contain_text(rma.number)
    expect(page.locator("#portal-rmas")).to_contain_text("1Z-OUT-7731")
    screen.check("portal repairs")
    screen.shoot("rma-portal-list")
    page.get_by_role("link", name=rma.number).click()
    expect(page.locator("#rma-steps li[aria-current=step]")).to_contain_text("Shipped back")
    expect(page.locator("#rma-steps")).to_contain_text("5 Nov 2026 Device received")
    expect(page.locator("#rma-steps")).to_contain_text("9 Nov 2026 Shipped back")
    expect(page.locator("#tracking-out")).to_have_text("1Z-OUT-7731")
    screen.check("portal repair")
    screen.shoot("rma-portal")
