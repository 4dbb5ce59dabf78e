"""Two-step sign-in and the inactivity logoff in a real browser: set up the authenticator from
the key on the page, sign in with its code, use a recovery code once, and be warned, then
signed out, after a while without activity."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from caredesk.accounts import totp
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.e2e

EMAIL = "perpetua.vance@caredesk.example"


@pytest.fixture(autouse=True)
def _production_session_limits(settings):  # type: ignore[no-untyped-def]
    settings.CAREDESK_STAFF_IDLE_MINUTES = 15
    settings.CAREDESK_IDLE_MINUTES = 60
    settings.CAREDESK_SESSION_MAX_HOURS = 12


def password_step(screen) -> None:  # type: ignore[no-untyped-def]
    screen.password_step(EMAIL, PASSWORD)


def type_code(screen, code: str) -> None:  # type: ignore[no-untyped-def]
    page = screen.page
    page.get_by_label("Code").fill(code)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Verify").click()


def sign_out(screen) -> None:  # type: ignore[no-untyped-def]
    with screen.page.expect_navigation(wait_until="load"):
        screen.page.get_by_role("button", name="Sign out").click()
    assert "/login/" in screen.page.url


def test_enrol_then_sign_in_with_the_apps_code_and_a_recovery_code_once(screen, clock):
    AgentFactory(name="Perpetua Vance", email=EMAIL)
    page = screen.page
    password_step(screen)
    assert page.url.endswith("/login/enroll/")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for setting up two-step sign-in")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0  # it drew
    screen.check("the enrolment page")
    screen.shoot("signin-enroll")

    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    screen.allow("status of 422")  # the wrong code below is a form error, as intended
    page.get_by_label("6-digit code from the app").fill("000000")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_text("That code did not match")).to_be_visible()
    page.get_by_label("6-digit code from the app").fill(totp.code_at(secret, clock().timestamp()))
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    screen.check("the recovery codes")
    screen.shoot("signin-recovery-codes")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="I have saved my codes, continue").click()
    assert page.url.endswith("/agent/")
    page.get_by_role("link", name="Perpetua Vance: security and sessions").click()
    expect(page.get_by_role("heading", name="Security")).to_be_visible()
    expect(page.get_by_text("10 of 10 recovery codes left")).to_be_visible()
    screen.check("the security page")
    screen.shoot("account-security")
    screen.goto("/agent/")
    sign_out(screen)

    clock.advance(minutes=1)
    password_step(screen)
    assert page.url.endswith("/login/code/")
    screen.check("the second step")
    screen.shoot("signin-code")
    type_code(screen, totp.code_at(secret, clock().timestamp()))
    assert page.url.endswith("/agent/")
    sign_out(screen)

    password_step(screen)
    type_code(screen, codes[0])
    assert page.url.endswith("/agent/")
    expect(page.get_by_text("You signed in with a recovery code; 9 left.")).to_be_visible()
    sign_out(screen)

    password_step(screen)
    type_code(screen, codes[0])
    assert page.url.endswith("/login/code/")
    expect(page.get_by_text("That code did not match")).to_be_visible()
    screen.check("a used recovery code refused")


def test_warned_before_the_inactivity_logoff_then_signed_out(screen, clock):
    AgentFactory(name="Perpetua Vance", email=EMAIL)
    screen.login(EMAIL, PASSWORD)
    page = screen.page
    screen.goto("/agent/")
    warning = page.get_by_role("status").filter(has_text="You will be signed out")
    expect(warning).to_be_hidden()

    clock.advance(minutes=13, seconds=30)
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # back at the tab
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in 2 minutes")
    screen.check("the inactivity warning")
    screen.shoot("session-warning")

    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    clock.advance(minutes=14)
    screen.goto("/agent/")
    assert page.url.endswith("/agent/")  # "stay signed in" counted as activity

    clock.advance(minutes=16)
    screen.goto("/agent/notifications/")
    assert "/login/?next=/agent/notifications/" in page.url
    expect(page.get_by_text("You were signed out after a while without activity")).to_be_visible()
    screen.check("signed out for inactivity")
