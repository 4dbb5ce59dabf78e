"""The portal's request form in a real browser: errors on the fields, answers kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import Ticket
from tests.e2e.scenario import build_desk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_empty_form_shows_what_to_fix_next_to_each_field(screen):
    desk = build_desk()
    screen.login(desk.requester.user.email, PASSWORD)
    screen.goto(f"/portal/new/{desk.video.slug}/")
    page = screen.page
    before = Ticket.objects.count()
    # A form sent back with errors answers 422, which Chromium reports on the console.
    screen.allow("the server responded with a status of 422")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    for label in ("Summary", "Details", "Appointment date"):
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        box = page.locator(".field.field-error", has=field)
        expect(box.locator(".error-text")).to_contain_text("This field is required.")
        expect(summary.get_by_role("link", name=re.compile(rf"^{label}:"))).to_be_visible()
    expect(page.get_by_label("Device used")).not_to_have_attribute("aria-invalid", "true")
    assert Ticket.objects.count() == before

    # The summary's links move focus to the field to fix.
    summary.get_by_role("link", name=re.compile("^Summary:")).click()
    expect(page.get_by_label("Summary", exact=True)).to_be_focused()
    screen.check("portal form with errors")
    screen.shoot("portal-new-errors")

    # Fixing one field keeps the others' errors and the answers already given.
    page.get_by_label("Summary", exact=True).fill("Echo on the clinician's side")
    page.get_by_role("radio", name=re.compile("Level 2")).check()
    expect(page.locator(".call-now")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    expect(page.get_by_label("Summary", exact=True)).to_have_value("Echo on the clinician's side")
    expect(page.get_by_role("radio", name=re.compile("Level 2"))).to_be_checked()
    expect(page.locator(".call-now")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_contain_text("Summary")
    screen.check("portal form with fewer errors")
