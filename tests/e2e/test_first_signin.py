"""A staff member's first sign-in from a link in mail: the password, the authenticator set-up,
the recovery codes (copied and downloaded as a .txt file), then the page they were going to."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from caredesk.accounts import totp
from caredesk.accounts.models import RecoveryCode
from caredesk.core import clock
from tests.factories import PASSWORD, AgentFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.e2e


def test_after_the_first_set_up_the_agent_lands_where_the_link_led(screen, tmp_path: Path):
    team = TeamFactory(name="Tier 1 support", slug="tier-1")
    agent = AgentFactory(
        name="Wendeline Okafor", email="wendeline.okafor@caredesk.example", teams=[team]
    )
    ticket = make_ticket(subject="Cannot join the video visit", team=team)
    page = screen.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=screen.base_url)

    # A link to a ticket, opened before signing in, leads through the sign-in.
    screen.goto(f"/agent/tickets/{ticket.pk}/")
    assert "/login/" in page.url and "next=" in page.url
    page.get_by_label("Email address").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/login/enroll/")

    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("6-digit code from the app").fill(
        totp.code_at(secret, clock.now().timestamp())
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")

    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert {totp.recovery_digest(c) for c in codes} == set(
        RecoveryCode.objects.filter(user=agent).values_list("digest", flat=True)
    )
    screen.check("recovery codes")
    screen.shoot("first-signin-recovery-codes")

    copy = page.get_by_role("button", name="Copy the codes")
    expect(copy).to_be_visible()
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.split() == codes

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a text file").click()
    download = download_info.value
    assert download.suggested_filename == "caredesk-recovery-codes.txt"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text()
    assert agent.email in text
    assert [line for line in text.splitlines() if line in codes] == codes

    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my codes, continue").click()
    assert page.url.endswith(f"/agent/tickets/{ticket.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cannot join the video visit")
    screen.check("the ticket the link led to")
