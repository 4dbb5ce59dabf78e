"""Service plans and contracts in a real browser: a support lead makes a Premium contract for
six units (10 % off), an agent sees the plan on a ticket's asset card, the lead cancels within
the money-back period (refunded in full); the client's administrator sees the contract in the
portal; an administrator opens the plans. Screenshots at 1440 and 390 pixels wide."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import ContactKind
from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.devices.models import (
    Asset,
    Contract,
    ContractStatus,
    ProductClass,
    ProductModel,
    ServicePlan,
)
from caredesk.devices.plan_defaults import install_plans
from tests.e2e import conftest as e2e
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    OrganizationFactory,
    TeamFactory,
    make_ticket,
    requester_with_login,
    supervisor,
)

pytestmark = pytest.mark.e2e


def test_a_contract_for_six_units_then_the_card_then_a_refund(open_screen, clock, monkeypatch):
    monkeypatch.setattr(e2e, "SCREENSHOTS", Path(tempfile.gettempdir()) / "caredesk-plans-shots")
    clock.set(datetime(2026, 11, 2, 14, tzinfo=UTC))
    install_plans(ServicePlan)  # the flush of a browser test removed the shipped ones
    electronics = ProductClass.objects.create(name="Electronics", warranty_months=24)
    model = ProductModel.objects.create(
        name="Kinetra Rehab Stimulator", sku="KR-ST5", product_class=electronics
    )
    manager = AgentFactory(name="Selwyn Achterberg", email="selwyn.am@caredesk.example")
    org = OrganizationFactory(name="Larkspur Physio", account_manager=manager)
    now = clock.current
    for i in range(1, 8):
        Asset.objects.create(
            serial=f"KR-70{i:02d}",
            product_model=model,
            organization=org,
            purchased_on=date(2024, 3, 1),
            created_at=now,
            updated_at=now,
        )
    lead = supervisor(name="Odile Brack", email="odile.lead@caredesk.example")

    # --- the lead makes a Premium contract for six units ---------------------------------------
    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    screen.allow("status of 422")  # forms answer 422 with their field errors
    page = screen.page
    page.get_by_role("link", name="Devices").click()
    page.get_by_role("link", name="Contracts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service contracts")
    page.get_by_role("link", name="New contract").click()
    page.get_by_label("Organization", exact=True).select_option(label="Larkspur Physio")
    page.get_by_label("Plan", exact=True).select_option(label="Premium")
    page.get_by_label("Serial numbers").fill("KR-7001\nKR-7002\nKR-7003\nKR-7004\nKR-7005\nKR-7099")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Make the contract").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator(".error-text")).to_contain_text("Not units of Larkspur Physio: KR-7099")
    screen.check("contract form with an error")
    screen.shoot("plans-contract-new-error")
    page.get_by_label("Serial numbers").fill("KR-7001\nKR-7002\nKR-7003\nKR-7004\nKR-7005\nKR-7006")
    page.get_by_label("Renew automatically at the end").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Make the contract").click()
    expect(page.locator("#contract-discount")).to_have_text("10 % (more than 5 units)")
    expect(page.locator("#contract-total")).to_have_text("$2154.60")
    expect(page.locator("#contract-units li")).to_have_count(6)
    contract = Contract.objects.get()
    screen.check("contract page")
    screen.shoot("plans-contract")
    page.get_by_role("link", name="Contracts").first.click()
    expect(page.get_by_role("link", name=contract.reference)).to_be_visible()
    screen.check("contract list")
    screen.shoot("plans-contracts")
    page.get_by_role("link", name="Renewals").click()
    expect(page.get_by_role("heading", name="No renewal due")).to_be_visible()
    screen.check("renewals")
    screen.shoot("plans-renewals-empty")

    # --- an agent sees the plan on the ticket's asset card -------------------------------------
    team = TeamFactory(name="Device support", slug="device-support")
    agent = AgentFactory(teams=[team], name="Tobiah Wren", email="tobiah.agent@caredesk.example")
    requester = ContactFactory(name="Philippa Orme", organization=org)
    ticket = make_ticket(
        requester,
        subject="Stimulator shows error E4 at start-up",
        team=team,
        structured={"device_serial": "KR-7003"},
    )
    agent_screen = open_screen()
    agent_screen.login(agent.email, PASSWORD)
    agent_screen.goto(f"/agent/tickets/{ticket.pk}/")
    card = agent_screen.page.locator("#asset-card")
    expect(card.locator(".asset-plan")).to_contain_text("Premium")
    expect(card.locator(".asset-plan")).to_contain_text(contract.reference)
    expect(card).to_contain_text("Shipped within 48 h")
    expect(card).to_contain_text("Phone 24/7")
    expect(card).to_contain_text("1 h")
    agent_screen.check("ticket with a Premium unit")
    agent_screen.shoot("plans-ticket-asset-card")

    # --- the client's administrator sees the contract in the portal ----------------------------
    office = requester_with_login(
        organization=org, kind=ContactKind.CLIENT_ADMIN, email="office@larkspur.example"
    )
    portal = open_screen()
    portal.login(office.email, PASSWORD)
    portal.goto("/portal/devices/")
    expect(portal.page.locator("#portal-contracts")).to_contain_text(contract.reference)
    expect(portal.page.locator("#portal-contracts")).to_contain_text("Premium")
    portal.check("portal contracts")
    portal.shoot("plans-portal")

    # --- ten days later the lead cancels: within 30 days, refunded in full ---------------------
    clock.advance(days=10)  # longer than a session lasts: sign in again
    screen = open_screen()
    screen.login(lead.email, PASSWORD)
    screen.allow("status of 422")
    page = screen.page
    screen.goto(f"/agent/devices/contracts/{contract.pk}/")
    page.get_by_role("link", name="Cancel and refund…").click()
    expect(page.locator("#refund-preview")).to_contain_text("$2154.60, everything paid")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Cancel the contract and refund").click()
    expect(page.locator(".error-text")).to_contain_text("Choose why the client leaves.")
    screen.check("cancel form with an error")
    screen.shoot("plans-cancel")
    page.get_by_label("Reason").select_option(label="Budget cut")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Cancel the contract and refund").click()
    expect(page.locator("#contract-status")).to_have_text("Cancelled")
    expect(page.locator("#contract-refund")).to_have_text("$2154.60")
    expect(page.locator("#contract-history")).to_contain_text("within the money-back period")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED and str(contract.refund) == "2154.60"
    screen.check("cancelled contract")
    screen.shoot("plans-contract-cancelled")
    agent_screen = open_screen()
    agent_screen.login(agent.email, PASSWORD)
    agent_screen.goto(f"/agent/tickets/{ticket.pk}/")
    expect(agent_screen.page.locator("#asset-card .asset-plan")).to_have_text("No plan")

    # --- an administrator keeps the plans (Settings menu) --------------------------------------
    admin = AgentFactory(role=ROLE_ADMIN, name="Mira Kowal", email="mira.admin@caredesk.example")
    admin_screen = open_screen()
    admin_screen.login(admin.email, PASSWORD)
    apage = admin_screen.page
    apage.locator("#settings-menu summary").click()
    apage.get_by_role("link", name="Service plans").click()
    expect(apage.locator("#plans tbody tr")).to_have_count(3)
    admin_screen.check("plans")
    admin_screen.shoot("plans-list")
    apage.get_by_role("link", name="Standard", exact=True).click()
    expect(apage.get_by_label("Name")).to_have_value("Standard")
    admin_screen.check("plan form")
    admin_screen.shoot("plans-edit")
