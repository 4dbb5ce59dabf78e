"""An administrator adds a brand's mailbox in a real browser, and a support lead scopes a
policy to it with the form: mistakes are said on their fields, keyboard only where it is
natural."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.accounts.roles import ROLE_ADMIN
from caredesk.rules.models import Policy
from caredesk.rules.shipped import install_shipped
from caredesk.tickets.models import Mailbox
from tests.factories import PASSWORD, AgentFactory, TeamFactory, supervisor

pytestmark = pytest.mark.e2e


def test_an_administrator_adds_a_mailbox_and_a_lead_scopes_a_policy_to_its_brand(open_screen):
    TeamFactory(name="Tier 1 support", slug="tier-1", tier=1)
    TeamFactory(name="Technical support engineers", slug="tier-2", tier=2)
    admin = AgentFactory(name="Ines Admin", email="ines.admin@caredesk.example", role=ROLE_ADMIN)
    lead = supervisor(name="Rosa Lindqvist", email="rosa.lead@caredesk.example")
    install_shipped()
    Mailbox.objects.create(
        address="support@pulsewave-devices.example",
        name="PulseWave Device Support",
        brand="pulsewave",
        is_default=True,
    )

    screen = open_screen()
    screen.allow("the server responded with a status of 422")  # the refused form, once
    screen.login(admin.email, PASSWORD)
    page = screen.page
    screen.settings("Mailboxes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mailboxes")
    page.get_by_role("link", name="New mailbox").click()
    page.get_by_label("Address", exact=True).fill("members@harbor-members.example")
    page.get_by_label("Sender name").fill("Harbor Member Services")
    page.get_by_label("Brand", exact=True).fill("Member Services")  # not a slug
    page.get_by_label("Team for new tickets").select_option(label="Tier 1 support")
    page.get_by_label("Signature").fill("Harbor Member Services · 1-800-555-0199")
    page.get_by_role("button", name="Save mailbox").click()
    expect(page.get_by_role("alert")).to_contain_text("correct the fields marked below")
    expect(page.locator(".field-error")).to_contain_text("short slug")
    screen.check("mailbox form with an error")
    screen.shoot("mailbox-error")

    brand = page.get_by_label("Brand", exact=True)
    brand.fill("member-services")
    brand.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "Mailbox members@harbor-members.example saved"
    )
    row = page.get_by_role("row", name=re.compile("members@harbor-members.example"))
    expect(row).to_contain_text("member-services")
    expect(row).to_contain_text("Tier 1 support")
    screen.check("mailboxes")
    screen.shoot("mailboxes")

    # --- a support lead scopes the member-services protocol to the brand --------------------
    lead_screen = open_screen()
    lead_screen.login(lead.email, PASSWORD)
    page = lead_screen.page
    page.goto(lead_screen.url("/agent/policies/member-services/form/"))
    brands = page.get_by_role("group", name="Brands")
    brands.get_by_label("member-services").check()
    page.get_by_label("What changed and why").fill("Member services' own brand only")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("version 2 saved")
    assert Policy.objects.get(slug="member-services").scope == {"brands": ["member-services"]}
    expect(page.get_by_role("group", name="Brands").get_by_label("member-services")).to_be_checked()
    lead_screen.check("policy form scoped to a brand")
    lead_screen.shoot("policy-form-brand")
    # a lead reads the mailboxes but does not change them
    lead_screen.settings("Mailboxes")
    page.get_by_role("link", name="members@harbor-members.example").click()
    expect(page.get_by_text("Kept by the administrators.")).to_be_visible()
    expect(page.get_by_role("button", name="Save mailbox")).to_have_count(0)
    lead_screen.check("mailbox read by a lead")
