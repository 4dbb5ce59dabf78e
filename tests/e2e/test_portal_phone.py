"""The portal and the public pages on a phone (390 x 844) and a desktop: no sideways scroll on
any of them; the new-request form preselects nothing and shows "Call us now" only for the
levels that call for it, with or without script; the ticket page shows the ticket's own due
times and the answers the requester sent."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from playwright.sync_api import expect

from caredesk.core import clock
from caredesk.selfserve.views import SENT_SALT
from caredesk.sla.defaults import install_defaults
from caredesk.sla.models import Calendar, Metric, SlaClock, SlaPolicy, SlaTarget
from caredesk.tickets.models import Ticket
from tests.e2e.conftest import DESKTOP, PHONE, TIMEOUT_MS, Screen
from tests.e2e.scenario import LONG_SUBJECT, build_desk
from tests.factories import PASSWORD, make_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _sla_defaults():
    # Browser tests run on a flushed database: put back what the data migration installed.
    install_defaults(Calendar, SlaPolicy, SlaTarget)


def _fits(screen: Screen, name: str) -> None:
    screen.check(name)
    screen.shoot(name)  # fails on sideways scroll at 1440 and at 390


def test_every_public_page_fits_a_phone(screen):
    build_desk()
    screen.allow("the server responded with a status of 404")  # the not-found pages
    screen.allow("HTTP 404")
    token = signing.dumps({"ref": "CD-1234", "due": ""}, salt=SENT_SALT)
    for name, path in (
        ("public-login", "/login/"),
        ("public-help-check", "/help/check/"),
        ("public-help-new", "/help/new/"),
        ("public-help-sent", f"/help/new/sent/{token}/"),
        ("public-oncall-ack-unknown", "/oncall/ack/not-a-real-link/"),
        ("public-not-found", "/no-such-page/"),
    ):
        screen.goto(path)
        _fits(screen, name)


def test_the_sign_in_steps_fit_a_phone(screen):
    desk = build_desk()
    screen.password_step(desk.agent.email, PASSWORD)
    assert "/login/enroll/" in screen.page.url
    _fits(screen, "public-login-enroll")


def test_every_portal_page_fits_a_phone_and_shows_what_the_requester_sent(screen):
    desk = build_desk()
    mine = make_ticket(desk.requester, subject=LONG_SUBJECT, priority=2)
    screen.login(desk.requester.user.email, PASSWORD)
    page = screen.page
    for name, path in (
        ("portal-home-phone", "/portal/"),
        ("portal-choose-phone", "/portal/new/"),
        ("portal-ticket-phone", f"/portal/tickets/{mine.pk}/"),
        ("portal-account-phone", "/account/"),
    ):
        screen.goto(path)
        _fits(screen, name)

    # The new-request form: nothing chosen, no call-now box until a level calls for it.
    screen.goto(f"/portal/new/{desk.video.slug}/")
    radios = page.get_by_role("radio")
    expect(radios).to_have_count(4)
    for i in range(4):
        expect(radios.nth(i)).not_to_be_checked()
    call_now = page.locator(".call-now")
    expect(call_now).to_be_hidden()
    _fits(screen, "portal-new-nothing-chosen")
    radios.first.focus()
    page.keyboard.press("Space")  # level 1, chosen from the keyboard
    expect(call_now).to_be_visible()
    page.keyboard.press("ArrowDown")  # level 2 calls for it too
    expect(page.get_by_role("radio", name=re.compile("Level 2"))).to_be_checked()
    expect(call_now).to_be_visible()
    page.keyboard.press("ArrowDown")  # level 3 does not
    expect(call_now).to_be_hidden()
    page.set_viewport_size(PHONE)
    page.keyboard.press("ArrowUp")
    expect(call_now).to_be_visible()
    page.set_viewport_size(DESKTOP)
    _fits(screen, "portal-new-level-2")

    page.get_by_role("radio", name=re.compile("Level 3")).check()
    page.get_by_label("Summary", exact=True).fill("Echo in every video visit")
    page.get_by_label("Details", exact=True).fill("The clinician hears herself twice.")
    page.get_by_label("Appointment date").fill("2026-11-30")
    page.get_by_label("Device used").select_option("Tablet")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    ticket = Ticket.objects.order_by("-id").first()
    assert ticket is not None and ticket.subject == "Echo in every video visit"
    answers = page.locator("#your-answers")
    expect(answers).to_contain_text("What you told us")
    expect(answers).to_contain_text("Appointment date")
    expect(answers).to_contain_text("2026-11-30")
    expect(answers).to_contain_text("Tablet")
    expect(page.locator("#promises")).to_contain_text("We will reply by")
    expect(page.locator("#promises")).to_contain_text("We aim to resolve it by")
    _fits(screen, "portal-ticket-with-answers")

    # Once the reply time has passed, the page says so instead of repeating the promise.
    due = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).due_at
    previous = clock.set_source(lambda: due + timedelta(minutes=10))
    try:
        page.reload()
        promises = page.locator("#promises")
        expect(promises).to_contain_text("Late")
        expect(promises).to_contain_text("We promised to reply by")
        expect(promises).not_to_contain_text("We will reply by")
        _fits(screen, "portal-ticket-late")
    finally:
        clock.set_source(previous)


def test_the_call_now_box_works_without_script(browser: Any, live_server: Any):
    desk = build_desk()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        screen = Screen(page=context.new_page(), base_url=live_server.url)
        screen.watch()
        page = screen.page
        screen.login(desk.requester.user.email, PASSWORD)
        screen.goto(f"/portal/new/{desk.video.slug}/")
        call_now = page.locator(".call-now")
        expect(call_now).to_be_hidden()
        page.get_by_role("radio", name=re.compile("Level 1")).check()
        expect(call_now).to_be_visible()
        expect(call_now.get_by_role("link")).to_have_attribute("href", re.compile("^tel:"))
        page.get_by_role("radio", name=re.compile("Level 4")).check()
        expect(call_now).to_be_hidden()
    finally:
        context.close()
