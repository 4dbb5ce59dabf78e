"""The public help pages in a real browser: the device check, its results carried into the
request form, and the ticket that arrives with them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from caredesk.tickets.models import Channel, Ticket
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.e2e

CHECKS = (
    "Browser",
    "Operating system",
    "Screen",
    "Cookies",
    "Camera",
    "Microphone",
    "Video calls (WebRTC)",
    "Network round trip",
    "Download speed",
    "Upload speed",
)


@pytest.fixture(scope="module")
def browser(browser: Any) -> Iterator[Any]:
    """Chromium with a fake camera and microphone (a real device a test can allow or refuse)."""
    media = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream"],
    )
    try:
        yield media
    finally:
        media.close()


def _check(page: Any, label: str) -> Any:
    return page.locator(
        ".check", has=page.get_by_role("heading", name=re.compile(f"^{re.escape(label)}"))
    )


def _run_checks(screen: Any) -> Any:
    screen.goto("/help/check/")
    page = screen.page
    expect(page.locator("#checks[data-done=true]")).to_be_attached(timeout=30_000)
    expect(page.get_by_role("status")).to_contain_text("Checks finished")
    return page


def test_checks_pass_with_camera_allowed_and_results_reach_the_ticket(
    screen, open_screen, live_server
):
    screen.page.context.grant_permissions(["camera", "microphone"], origin=live_server.url)
    page = _run_checks(screen)

    for label in CHECKS:
        expect(_check(page, label)).to_have_class(re.compile(r"check-(pass|warn|fail)"))
    for label in ("Browser", "Cookies", "Camera", "Microphone", "Video calls (WebRTC)"):
        expect(_check(page, label)).to_have_class(re.compile("check-pass"))
        expect(_check(page, label).locator(".check-status")).to_have_text("Passed")
    expect(_check(page, "Browser").locator(".check-detail")).to_contain_text("Chrom")
    expect(_check(page, "Operating system").locator(".check-detail")).to_contain_text("Linux")
    expect(_check(page, "Download speed").locator(".check-detail")).to_contain_text("Mbit/s")
    expect(_check(page, "Network round trip").locator(".check-detail")).to_contain_text("ms")

    # Testing the devices opens them once (the fake camera answers) and stops them again; all
    # of it by keyboard.
    test = page.get_by_role("button", name="Test camera and microphone")
    test.focus()
    page.keyboard.press("Enter")
    expect(_check(page, "Camera").locator(".check-detail")).to_contain_text("Works")
    expect(_check(page, "Microphone").locator(".check-detail")).to_contain_text("Works")
    expect(page.get_by_role("status")).to_contain_text("everything passed")
    screen.check("device check, all allowed")
    screen.shoot("help-check-allowed")

    expect(test).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Report a problem with these results")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your device check results")).to_be_visible()
    results = page.locator("#check-results")
    expect(results).to_contain_text("Camera")
    expect(results).to_contain_text("Works")
    screen.check("request form with results")
    screen.shoot("help-new-prefilled")

    page.get_by_label("Your name").fill("Wren Alcott")
    page.get_by_label("Email address").fill("wren.alcott@mail.example")
    page.get_by_label("Summary").fill("The clinician cannot hear me")
    page.get_by_label("Details").fill("My visit started but the doctor said my sound was missing.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()

    expect(
        page.get_by_role("heading", name=re.compile("Your request has been received"))
    ).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.locator(".sent-ref")).to_contain_text(ticket.ref)
    screen.check("confirmation")
    screen.shoot("help-sent")

    assert ticket.channel == Channel.PORTAL
    assert ticket.requester.email == "wren.alcott@mail.example"
    assert ticket.form_data["Camera"].startswith("Passed: Works")
    assert ticket.form_data["Video calls (WebRTC)"] == "Passed: Supported"
    assert "Chrom" in ticket.form_data["Browser"]
    assert "Mbit/s" in ticket.form_data["Download speed"]
    first = ticket.messages.get()
    assert "doctor said my sound was missing" in first.body_text
    assert "Browser: Chrom" in first.body_text
    assert "Operating system: Linux" in first.body_text

    # An agent reads the results as a list beside the conversation.
    agent = AgentFactory(email="amara.test@caredesk.example")
    desk = open_screen()
    desk.login(agent.email, PASSWORD)
    desk.goto(f"/agent/tickets/{ticket.pk}/")
    answers = desk.page.locator(".form-answers")
    expect(answers).to_contain_text("Camera")
    expect(answers).to_contain_text("Passed: Works")
    expect(answers).to_contain_text("Download speed")
    desk.check("desk ticket with device check results")
    desk.shoot("help-ticket-on-desk")


def test_camera_not_allowed_shows_what_to_do(screen):
    page = _run_checks(screen)
    camera = _check(page, "Camera")
    expect(camera).to_have_class(re.compile("check-warn"))
    expect(camera.locator(".check-fix")).to_contain_text("choose Allow")

    # The browser refuses (as a visitor pressing Block would): steps to allow it appear.
    page.get_by_role("button", name="Test camera and microphone").click()
    expect(camera).to_have_class(re.compile("check-fail"))
    expect(camera.locator(".check-status")).to_have_text("Failed")
    expect(camera.locator(".check-fix")).to_contain_text("address bar")
    expect(camera.locator(".check-fix")).to_contain_text("Set Camera to Allow")
    expect(_check(page, "Microphone").locator(".check-fix")).to_contain_text(
        "Set Microphone to Allow"
    )
    expect(page.get_by_role("button", name="Test camera and microphone")).to_be_focused()
    screen.check("device check, camera refused")
    screen.shoot("help-check-refused")

    with page.expect_navigation():
        page.get_by_role("button", name="Report a problem with these results").click()
    expect(page.get_by_label("Summary")).to_have_value(re.compile("Device check failed: camera"))


def test_sign_in_page_links_to_the_public_help(screen):
    screen.goto("/login/")
    page = screen.page
    with page.expect_navigation():
        page.get_by_role("link", name="Check my device").click()
    expect(page.get_by_role("heading", name="Check your device for a video visit")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Ask for help").click()
    expect(page.get_by_role("link", name="Check my device").last).to_be_visible()
    screen.check("public form")


def test_form_errors_keep_what_was_typed(screen):
    screen.goto("/help/new/")
    page = screen.page
    screen.allow("the server responded with a status of 422")
    page.get_by_label("Your name").fill("Wren Alcott")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_label("Details").fill("The app closes when I open the camera.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Summary")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your name")).to_have_value("Wren Alcott")
    expect(page.get_by_label("Details")).to_have_value("The app closes when I open the camera.")
    # The hidden trap for bots is not reachable by keyboard or read out.
    expect(page.locator(".hp-field input")).to_have_attribute("tabindex", "-1")
    screen.check("public form with errors")
    screen.shoot("help-new-errors")
    assert not Ticket.objects.exists()
