"""Governance in a real browser: an administrator reviews staff access, deactivates an account
after confirming, records a breach and reads its letters; the compliance officer, not the
administrator, exports a requester's data, for a recorded reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import User
from caredesk.accounts.roles import ROLE_ADMIN, ROLE_COMPLIANCE
from caredesk.governance.models import Breach, SubjectRequest
from tests.factories import PASSWORD, AgentFactory, make_ticket, requester_with_login

pytestmark = pytest.mark.e2e


def test_an_administrator_reviews_access_records_a_breach_and_exports_personal_data(open_screen):
    officer = AgentFactory(
        role=ROLE_ADMIN, name="Petra Lindgaard", email="petra.officer@caredesk.example"
    )
    leaver = AgentFactory(name="Jonas Merrow", email="jonas.leaver@caredesk.example")
    AgentFactory(name="Ines Calloway", email="ines.agent@caredesk.example")
    patient = requester_with_login(name="Wilhelmina Starke")
    make_ticket(patient, subject="Camera stays black")

    screen = open_screen()
    screen.login(officer.email, PASSWORD)
    page = screen.page

    # --- Access reviews: flags, sign off, deactivate after a confirmation ---------------------
    page.get_by_role("link", name="Governance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access reviews")
    row = page.locator(f"#account-{leaver.pk}")
    expect(row).to_contain_text("Never")
    expect(page.locator(f"#account-{officer.pk}")).to_contain_text("Your account")
    screen.check("access reviews")
    screen.shoot("governance-access-reviews")

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Deactivate").click()
    assert User.objects.get(pk=leaver.pk).is_active, "dismissing the question changes nothing"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(wait_until="load"):
        row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status").first).to_contain_text("Jonas Merrow deactivated")
    assert not User.objects.get(pk=leaver.pk).is_active

    # --- A breach: record it, see the clocks and a letter --------------------------------------
    page.get_by_role("link", name="Data breaches").click()
    page.get_by_label("Title").fill("Misdirected export")
    page.get_by_label("Description").fill("A ticket export was mailed to the wrong clinic.")
    page.get_by_label("Discovered at").fill("2026-11-02T09:00")
    page.get_by_label("People affected (best estimate)").fill("640")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Record breach and start clocks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Misdirected export")
    expect(page.locator(".gov-task")).to_have_count(4)
    page.get_by_text("Letter draft").first.click()
    expect(page.locator(".gov-letter").first).to_contain_text("Article 33 GDPR")
    assert Breach.objects.get().tasks.count() == 4
    screen.check("breach")
    screen.shoot("governance-breach")

    # --- Personal data: the administrator finds the requester but exports nothing -------------
    page.get_by_role("link", name="Personal data requests").click()
    page.get_by_label("Name, email address or phone number").fill("starke")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Wilhelmina Starke").click()
    expect(page.get_by_role("button", name="Download personal data (ZIP)")).to_have_count(0)
    expect(page.locator(".gov-dsr")).to_contain_text("produced by the compliance officer")

    # --- The compliance officer exports, with a reason ------------------------------------------
    privacy = AgentFactory(
        role=ROLE_COMPLIANCE, name="Maren Solvik", email="maren.privacy@caredesk.example"
    )
    screen = open_screen()
    screen.login(privacy.email, PASSWORD)
    page = screen.page
    screen.goto(f"/agent/governance/people/{patient.pk}/")
    expect(page.get_by_label("Why is this export needed?")).to_have_attribute("required", "")
    page.get_by_label("Why is this export needed?").fill("Access request DSR-2031 received by post")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download personal data (ZIP)").click()
    assert download.value.suggested_filename.startswith(f"personal-data-{patient.pk}-")
    assert SubjectRequest.objects.get().reason == "Access request DSR-2031 received by post"
    screen.check("personal data")
    screen.shoot("governance-person")
