"""Masked health information and "Show PHI" (break the glass) in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_ADMIN
from tests.factories import (
    PASSWORD,
    AgentFactory,
    ContactFactory,
    RequestFieldFactory,
    RequestTypeFactory,
    TeamFactory,
    make_ticket,
)

pytestmark = pytest.mark.e2e

PATIENT = "PTX-HALVARD-6647"


@pytest.fixture
def masked_ticket(screen):
    team = TeamFactory(name="Clinical support liaisons", slug="clinical")
    # an administrator on the team: works tickets, but the role does not include PHI
    officer = AgentFactory(
        role=ROLE_ADMIN,
        name="Ottilie Brennan",
        email="o.brennan@caredesk.example",
        teams=[team],
    )
    rtype = RequestTypeFactory(name="Clinical collaboration")
    RequestFieldFactory(request_type=rtype, key="dob", label="Date of birth", phi=True)
    ticket = make_ticket(
        ContactFactory(name="Rosalind Achterberg"),
        subject="Readings missing from the care plan",
        team=team,
        category=rtype,
        structured={"patient_id": PATIENT, "device_serial": "HUB-88120"},
        form_data={"Date of birth": "1952-08-14", "Hub model": "H-200"},
    )
    screen.login(officer.email, PASSWORD)
    return ticket, screen


def test_phi_is_masked_until_the_glass_is_broken_with_a_reason(masked_ticket):
    ticket, screen = masked_ticket
    page = screen.page
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    details = page.locator("#details")
    expect(details).to_contain_text("•••• 47")
    expect(details).to_contain_text("hidden (PHI)")
    expect(page.locator("body")).not_to_contain_text(PATIENT)
    screen.check("masked ticket")
    page.get_by_text("Show PHI", exact=True).click()
    reason = page.get_by_label("Why do you need to see it?")
    expect(reason).to_be_visible()
    screen.shoot("phi-masked")

    reason.fill("Requester called to confirm the device is linked to the right patient")
    with page.expect_navigation():
        page.get_by_role("button", name="Show PHI for 30 minutes").click()
    expect(details).to_contain_text(PATIENT)
    expect(page.locator(".form-answers")).to_contain_text("1952-08-14")
    expect(page.locator(".phi-note")).to_contain_text("break the glass")
    screen.check("after break the glass")
    screen.shoot("phi-break-glass")
